// Served by `pipeline serve` (never inlined: the pages keep their Content-Security-Policy). It listens to
// the server's build events and reloads the page when the preview was rebuilt after the page was made.
// A page with a comment being written is not reloaded under the reviewer's hands: it says so instead.
(() => {
  const meta = document.querySelector('meta[name="preview-generation"]');
  const shown = meta ? meta.content : "";
  const busy = () => [...document.querySelectorAll("textarea, input[type=text], input[type=password]")]
    .some((field) => field.value.trim() !== "");
  let told = false;
  let leaving = false;  // a form was sent: its answer is the next page, a reload now would cancel it
  document.addEventListener("submit", () => { leaving = true; });
  function tell() {
    if (told) return;
    told = true;
    const note = document.createElement("p");
    note.className = "flash";
    note.setAttribute("role", "status");
    note.textContent = "The files changed: reload the page (r) once your comment is sent.";
    (document.querySelector("main") || document.body).prepend(note);
  }
  const source = new EventSource("/_serve/events");
  source.addEventListener("message", (event) => {
    if (event.data === shown || leaving) return;
    if (busy()) { tell(); return; }
    source.close();
    location.reload();
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest && event.target.closest("input, textarea, select");
    if (told && !typing && event.key === "r" && !event.ctrlKey && !event.metaKey && !event.altKey) location.reload();
  });
})();
