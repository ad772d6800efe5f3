// The review page's keyboard: j/k next/previous segment, n next waiting, a approve, s skip, c comment,
// A approve all without findings. Served by `pipeline serve`, never inlined. Without it the page still works
// with the mouse (every action is a plain form).
(() => {
  const segments = [...document.querySelectorAll(".segment")];
  let current = -1;
  function go(index) {
    if (!segments.length) return;
    current = Math.max(0, Math.min(segments.length - 1, index));
    segments.forEach((seg, i) => seg.classList.toggle("current", i === current));
    const seg = segments[current];
    seg.focus({ preventScroll: true });
    seg.scrollIntoView({ block: "nearest" });
    history.replaceState(null, "", "#" + seg.id);
  }
  function nextWaiting(from) {
    for (let i = from + 1; i < segments.length; i++) {
      if (segments[i].classList.contains("state-waiting")) return i;
    }
    return -1;
  }
  const start = location.hash ? segments.findIndex((seg) => "#" + seg.id === location.hash) : -1;
  if (start >= 0) go(start);
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const field = event.target.closest && event.target.closest("input, textarea, select");
    if (field) {
      if (event.key === "Escape") { field.blur(); if (current >= 0) segments[current].focus(); }
      return;
    }
    const seg = current >= 0 ? segments[current] : null;
    const form = seg && seg.querySelector("form.decide");
    let handled = true;
    if (event.key === "j") go(current + 1);
    else if (event.key === "k") go(current - 1);
    else if (event.key === "n" || event.key === "s") {
      const next = nextWaiting(current);
      if (next >= 0) go(next);
    } else if (event.key === "a" && form && form.querySelector("button.approve")) {
      form.requestSubmit(form.querySelector("button.approve"));
    } else if (event.key === "c" && form) {
      form.querySelector("textarea").focus();
    } else if (event.key === "A" && document.getElementById("approve-all")) {
      document.getElementById("approve-all").click();
    } else handled = false;
    if (handled) event.preventDefault();
  });
  document.addEventListener("focusin", (event) => {
    const seg = event.target.closest && event.target.closest(".segment");
    const index = seg ? segments.indexOf(seg) : -1;
    if (index >= 0 && index !== current) {
      current = index;
      segments.forEach((s, i) => s.classList.toggle("current", i === current));
    }
  });
})();
