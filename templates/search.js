// The search page's script: asks the language's Pagefind index (served beside the page, never from
// elsewhere; in parts of a few thousand stories each, merged into one search) and lists the stories it
// finds, built as text nodes: nothing from the index is parsed into the page except the <mark> around
// the words found.
const form = document.querySelector(".search-form");
const input = document.getElementById("search-query");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const PAGE = /^\/[A-Za-z0-9._-]+\.html$/;  // a story page of this language, as Pagefind names it
let loading = null;  // Pagefind, imported and started once
let latest = 0;  // the number of the newest query: an answer to an older one is dropped

function engine() {
  if (loading === null) {
    loading = (async () => {
      const [first, ...others] = form.dataset.bundles.split(" ");
      const pagefind = await import(new URL(first + "pagefind.js", document.baseURI).href);
      await pagefind.options({ baseUrl: "/", excerptLength: 24 });  // addresses as "/slug.html"
      for (const part of others) {
        await pagefind.mergeIndex(new URL(part, document.baseURI).href, { baseUrl: "/" });
      }
      await pagefind.init();
      return pagefind;
    })();
  }
  return loading;
}

function excerpt(html) {
  // The excerpt as text, with Pagefind's <mark> kept as an element and everything else as text.
  const parsed = new DOMParser().parseFromString(html, "text/html").body;
  const out = document.createElement("p");
  out.className = "summary";
  for (const node of parsed.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  return out;
}

function item(data) {
  const li = document.createElement("li");
  li.className = "story-item";
  const heading = document.createElement("h2");
  heading.className = "story-link";
  const link = document.createElement("a");
  link.href = form.dataset.pages + data.url.slice(1);
  link.textContent = (data.meta && data.meta.title) || data.url.slice(1);
  heading.append(link);
  li.append(heading, excerpt(data.excerpt || ""));
  return li;
}

async function run(query) {
  const text = query.trim();
  const mine = ++latest;
  if (!text) {
    list.replaceChildren();
    delete list.dataset.query;
    status.textContent = "";
    return;
  }
  status.textContent = form.dataset.searching;
  try {
    const found = await (await engine()).debouncedSearch(text, {}, 200);
    if (found === null || mine !== latest) return;  // a newer query replaced this one
    const pages = (await Promise.all(found.results.slice(0, 20).map((r) => r.data())))
      .filter((data) => PAGE.test(data.url));
    if (mine !== latest) return;
    list.replaceChildren(...pages.map(item));
    status.textContent = pages.length ? "" : form.dataset.none;
    list.dataset.query = text;  // what the list shows the results of
  } catch (err) {
    if (mine !== latest) return;
    status.textContent = form.dataset.failed;
    console.warn("search:", err);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(input.value);
});
input.addEventListener("input", () => run(input.value));
const asked = new URLSearchParams(location.search).get("q");
if (asked) {
  input.value = asked;
  run(asked);
}
