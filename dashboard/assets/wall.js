// The wall screen needs no keyboard, but takes one: Space pauses, ← and → step.
// Keys press the wall's hidden buttons, so the server keeps the one playlist state.
document.addEventListener("keydown", function (event) {
  if (!document.getElementById("wall-body")) { return; }
  const target = { " ": "wall-pause", "ArrowRight": "wall-next", "ArrowLeft": "wall-prev" }[event.key];
  if (!target) { return; }
  event.preventDefault();
  const button = document.getElementById(target);
  if (button) { button.click(); }
});

// The wall's map box is as large as the screen: scale the server's zoom (fitted to a
// laptop's box, given in layout.meta.fit) to the box the map really has.
function fitWallMap() {
  const graph = document.querySelector("#wall-map .js-plotly-plot");
  if (!graph || !graph.layout || !graph.layout.meta) { return; }
  const fit = graph.layout.meta.fit;
  if (!fit || !graph.clientWidth || !graph.clientHeight) { return; }
  const scale = Math.min(graph.clientWidth / fit.width, graph.clientHeight / fit.height);
  const zoom = fit.zoom + Math.log2(scale);
  // The map itself (MapLibre), not Plotly.relayout, which would re-apply the style.
  const subplot = graph._fullLayout && graph._fullLayout.map && graph._fullLayout.map._subplot;
  if (subplot && subplot.map && Math.abs(subplot.map.getZoom() - zoom) > 0.01) {
    subplot.map.jumpTo({ zoom: zoom });
  }
}
setInterval(fitWallMap, 400);
