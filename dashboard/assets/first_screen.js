// The page sent as HTML in the first answer (dashboard/shell/first_screen.py) stands
// until the app has drawn the page itself; then it goes, so that the document holds one
// copy of the page. (The stylesheet already hides it from that moment.)
(function () {
  const entry = document.getElementById("react-entry-point");
  const drawn = () => {
    const copy = document.getElementById("first-screen");
    if (!copy) return true;
    if (!entry || !entry.querySelector(".app-shell")) return false;
    copy.remove();
    return true;
  };
  if (drawn()) return;
  const watch = new MutationObserver(() => {
    if (drawn()) watch.disconnect();
  });
  watch.observe(entry || document.body, { childList: true, subtree: true });
})();
