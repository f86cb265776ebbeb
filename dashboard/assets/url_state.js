// The view's choices kept in the address bar (?layers=, ?colour=, ?indicator=) without a
// navigation: replaceState fires no event Dash's router listens to, so nothing redraws,
// and the link still opens exactly what is on screen.
function keepInUrl(key, value) {
  const url = new URL(window.location.href);
  if ((url.searchParams.get(key) || "") !== (value || "")) {
    if (value) { url.searchParams.set(key, value); } else { url.searchParams.delete(key); }
    window.history.replaceState(window.history.state, "", url);
  }
  return window.dash_clientside.no_update;
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  url: {
    layers: function (layers) { return keepInUrl("layers", (layers || []).join(",")); },
    // Status is the default colouring: only value is named.
    colour: function (mode) { return keepInUrl("colour", mode === "value" ? "value" : ""); },
    indicator: function (value) { return keepInUrl("indicator", value); },
  },
});
