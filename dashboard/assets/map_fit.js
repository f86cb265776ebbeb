// Every map's zoom is fitted on the server to a box of a laptop's size (layout.meta.fit).
// The box the map really has is known only here: scale the zoom to it, once for each new
// figure and again when the window changes size, so that a person's own zooming stays.
function fitMaps() {
  document.querySelectorAll("#area-map .js-plotly-plot, #wall-map .js-plotly-plot").forEach(
    function (graph) {
      const fit = graph.layout && graph.layout.meta && graph.layout.meta.fit;
      const subplot = graph._fullLayout && graph._fullLayout.map && graph._fullLayout.map._subplot;
      if (!fit || !subplot || !subplot.map || graph.__fitted === fit) { return; }
      if (!graph.clientWidth || !graph.clientHeight) { return; }
      const scale = Math.min(graph.clientWidth / fit.width, graph.clientHeight / fit.height);
      // MapLibre itself, not Plotly.relayout, which would apply the style again.
      subplot.map.jumpTo({ zoom: fit.zoom + Math.log2(scale) });
      graph.__fitted = fit;
    }
  );
}
setInterval(fitMaps, 300);
window.addEventListener("resize", function () {
  document.querySelectorAll(".js-plotly-plot").forEach(function (g) { g.__fitted = null; });
});
