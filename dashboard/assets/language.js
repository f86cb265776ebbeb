// The page's language, as the address says it (?lang=en) or the cockpit's own by default:
// screen readers and the browser read the page in it (信息无障碍). Dash changes the address
// without a page load, so it is checked each tick, as map_fit.js does.
function markLanguage() {
  const root = document.documentElement;
  const asked = new URLSearchParams(window.location.search).get("lang");
  const lang = asked === "en" ? "en" : asked === "zh" ? "zh-CN" : root.dataset.defaultLang;
  if (lang && root.lang !== lang) { root.lang = lang; }
}
markLanguage();
setInterval(markLanguage, 300);
