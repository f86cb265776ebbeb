// 适老化: larger text, one switch away (the 大字 button in every page's header). The choice
// is the reader's, kept on this device (localStorage), and applied before the page draws.
(function () {
  const KEY = "cockpit.largeText";
  function apply(on) {
    document.documentElement.classList.toggle("large-text", on);
    document.querySelectorAll(".text-size-switch").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  apply(stored());
  // Dash draws the header again on each page: delegate, and mark each new button.
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest(".text-size-switch");
    if (!button) { return; }
    const on = !document.documentElement.classList.contains("large-text");
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
    apply(on);
  });
  setInterval(function () { apply(document.documentElement.classList.contains("large-text")); }, 500);
})();
