// Every map's zoom is fitted on the server to a box of a laptop's size (layout.meta.fit).
// The box the map really has is known only here: scale the zoom to it, once for each new
// figure and again when the window changes size, so that a person's own zooming stays.
//
// Area names (layout.meta.labels) are drawn here too, as HTML over the map, placed from
// MapLibre's own projection: MapLibre's text labels would fetch glyph files from the
// internet, which the intranet does not have. Each name is sized to its area's width on
// screen, between a floor that stays legible and a ceiling that stays calm.
const MAPS = "#area-map .js-plotly-plot, #wall-map .js-plotly-plot";

function fitMap(graph) {
  const fit = graph.layout && graph.layout.meta && graph.layout.meta.fit;
  const subplot = graph._fullLayout && graph._fullLayout.map && graph._fullLayout.map._subplot;
  if (!fit || !subplot || !subplot.map) { return; }
  if (!graph.clientWidth || !graph.clientHeight) { return; }
  // Fitted again when the box changes size (a wall's panel settles after the first draw).
  const size = graph.clientWidth + "x" + graph.clientHeight;
  if (graph.__fitted === fit && graph.__fittedSize === size) { return; }
  const scale = Math.min(graph.clientWidth / fit.width, graph.clientHeight / fit.height);
  const zoom = fit.zoom + Math.log2(scale);
  // MapLibre itself, not Plotly.relayout, which would apply the style again; and the
  // figure's own zoom too, or Plotly's next resize would put the laptop-sized one back.
  subplot.map.jumpTo({ zoom: zoom });
  if (graph.layout.map) { graph.layout.map.zoom = zoom; }
  if (graph._fullLayout.map) { graph._fullLayout.map.zoom = zoom; }
  graph.__fitted = fit;
  graph.__fittedSize = size;
}

function placeLabels(graph) {
  const labels = graph.layout && graph.layout.meta && graph.layout.meta.labels;
  const subplot = graph._fullLayout && graph._fullLayout.map && graph._fullLayout.map._subplot;
  if (!labels || !subplot || !subplot.map) { return; }
  const map = subplot.map;
  const canvas = map.getCanvas();
  let layer = graph.querySelector(":scope > .map-labels");
  if (!layer) {
    layer = document.createElement("div");
    layer.className = "map-labels";
    graph.appendChild(layer);
  }
  if (layer.__labels !== labels) {
    layer.replaceChildren(...labels.map(function (label) {
      const span = document.createElement("span");
      span.className = "map-label";
      span.textContent = label.text;
      span.dataset.code = label.code;
      return span;
    }));
    layer.__labels = labels;
  }
  const wall = graph.closest("#wall-map") !== null;
  const floor = wall ? Math.max(12, window.innerHeight / 90) : 11;
  const ceiling = wall ? window.innerHeight / 40 : 18;
  const box = canvas.getBoundingClientRect();
  const origin = graph.getBoundingClientRect();
  layer.style.left = (box.left - origin.left) + "px";
  layer.style.top = (box.top - origin.top) + "px";
  layer.style.width = box.width + "px";
  layer.style.height = box.height + "px";
  labels.forEach(function (label, i) {
    const span = layer.children[i];
    const at = map.project([label.lon, label.lat]);
    const width = Math.abs(map.project([label.east, label.lat]).x -
                           map.project([label.west, label.lat]).x);
    const size = Math.max(floor, Math.min(ceiling, (width * 0.8) / Math.max(label.text.length, 2)));
    span.style.fontSize = size.toFixed(1) + "px";
    span.style.left = at.x.toFixed(1) + "px";
    span.style.top = at.y.toFixed(1) + "px";
  });
}

// Each point layer's mark (point_layers.MARKS), as circle strokes on the layer Plotly made:
// Plotly's scattermap offers no stroke, and MapLibre's other symbols need files from
// the internet. Plotly builds its layers again on an update, so this runs each tick.
const MARK_PAINT = {
  ring: { "circle-opacity": 0.08, "circle-stroke-width": 2.5, "circle-stroke-color": ["get", "mcc"] },
  halo: { "circle-stroke-width": 2, "circle-stroke-color": "#ffffff" },
  rim: { "circle-stroke-width": 1.5, "circle-stroke-color": "#1c2430" },
};

function markPoints(graph) {
  const subplot = graph._fullLayout && graph._fullLayout.map && graph._fullLayout.map._subplot;
  if (!subplot || !subplot.map || !graph._fullData) { return; }
  graph._fullData.forEach(function (trace) {
    const paint = trace.meta && MARK_PAINT[trace.meta.mark];
    const id = "plotly-trace-layer-" + trace.uid + "-circle";
    if (!paint || !trace.visible || !subplot.map.getLayer(id)) { return; }
    Object.keys(paint).forEach(function (key) {
      if (JSON.stringify(subplot.map.getPaintProperty(id, key)) !== JSON.stringify(paint[key])) {
        subplot.map.setPaintProperty(id, key, paint[key]);
      }
    });
  });
}

function drawMaps() {
  document.querySelectorAll(MAPS).forEach(function (graph) {
    fitMap(graph);
    placeLabels(graph);
    markPoints(graph);
    const subplot = graph._fullLayout && graph._fullLayout.map && graph._fullLayout.map._subplot;
    if (subplot && subplot.map && subplot.map.__labelled !== true) {
      subplot.map.on("move", function () { placeLabels(graph); });
      subplot.map.__labelled = true;
    }
  });
}
setInterval(drawMaps, 300);
window.addEventListener("resize", function () {
  document.querySelectorAll(".js-plotly-plot").forEach(function (g) { g.__fitted = null; });
});
