// Every map's zoom is fitted on the server to a box of a laptop's size (layout.meta.fit).
// The box the map really has is known only here: scale the zoom to it, once for each new
// figure and again when the window changes size, so that a person's own zooming stays.
//
// Area names (layout.meta.labels) are drawn here too, as HTML over the map, placed from
// MapLibre's own projection: MapLibre's text labels would fetch glyph files from the
// internet, which the intranet does not have. Each name is sized to its area's width on
// screen, between a floor that stays legible and a ceiling that stays calm, and placed on
// its area's largest piece (figures.labels).
const MAPS = "#area-map .js-plotly-plot, #wall-map .js-plotly-plot";

function fitMap(graph) {
  const fit = graph.layout && graph.layout.meta && graph.layout.meta.fit;
  const subplot = graph._fullLayout && graph._fullLayout.map && graph._fullLayout.map._subplot;
  if (!fit || !subplot || !subplot.map) { return; }
  if (!graph.clientWidth || !graph.clientHeight) { return; }
  // Fitted again when the box changes size (a wall's panel settles after the first draw).
  const size = graph.clientWidth + "x" + graph.clientHeight;
  // The fit by value: a figure drawn again as it was (uirevision) is the same figure.
  const same = graph.__fittedKey === JSON.stringify(fit);
  if (same && graph.__fitted === fit && graph.__fittedSize === size) { return; }
  // Each axis fitted to the box's own width and height, and the smaller taken: a tall
  // district fills a wide panel's height, a wide one a tall panel's width.
  const zoomX = (fit.zoom_x === undefined ? fit.zoom : fit.zoom_x) + Math.log2(graph.clientWidth / fit.width);
  const zoomY = (fit.zoom_y === undefined ? fit.zoom : fit.zoom_y) + Math.log2(graph.clientHeight / fit.height);
  const fitted = Math.min(zoomX, zoomY);
  // The same figure in a box of a new size keeps what the person zoomed beyond the fit (a
  // phone's box changes size under a pinch); a new figure starts from its fit.
  const own = same && graph.__fitZoom !== undefined ? subplot.map.getZoom() - graph.__fitZoom : 0;
  const zoom = fitted + own;
  graph.__fitZoom = fitted;
  // MapLibre itself, not Plotly.relayout, which would apply the style again; and the
  // figure's own zoom too, or Plotly's next resize would put the laptop-sized one back.
  subplot.map.jumpTo({ zoom: zoom });
  if (graph.layout.map) { graph.layout.map.zoom = zoom; }
  if (graph._fullLayout.map) { graph._fullLayout.map.zoom = zoom; }
  graph.__fitted = fit;
  graph.__fittedKey = JSON.stringify(fit);
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
  // Widest areas first: where two names collide, the smaller area's name shrinks to the
  // floor, and is left out (its area's hover still names it) if they still collide.
  const order = labels.map(function (label, i) {
    const width = Math.abs(map.project([label.east, label.lat]).x -
                           map.project([label.west, label.lat]).x);
    return { label: label, span: layer.children[i], width: width };
  }).sort(function (a, b) { return b.width - a.width; });
  const placed = [];
  order.forEach(function (item) {
    const label = item.label;
    const span = item.span;
    const at = map.project([label.lon, label.lat]);
    const size = Math.max(floor, Math.min(ceiling, (item.width * 0.8) / Math.max(label.text.length, 2)));
    span.style.display = "";
    span.style.left = at.x.toFixed(1) + "px";
    span.style.top = at.y.toFixed(1) + "px";
    const sizes = size > floor ? [size, floor] : [size];
    for (let k = 0; k < sizes.length; k += 1) {
      span.style.fontSize = sizes[k].toFixed(1) + "px";
      const rect = span.getBoundingClientRect();
      if (!placed.some(function (other) { return overlaps(rect, other); })) {
        placed.push(rect);
        return;
      }
    }
    span.style.display = "none";
  });
}

function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

// An area in several pieces is one location of the map: hovering any piece outlines them
// all in the highlight's colour (the outline trace, FIGURE's third), so the pieces without
// a name are seen to belong to the one with it.
const OUTLINE_TRACE = 2;

function tiePieces(graph) {
  if (graph.__tied || typeof graph.on !== "function" || !window.Plotly) { return; }
  graph.__tied = true;
  graph.on("plotly_hover", function (event) {
    const point = event && event.points && event.points[0];
    const outline = graph.data && graph.data[OUTLINE_TRACE];
    if (!point || point.location === undefined || !outline || point.curveNumber > 1) { return; }
    if (graph.__kept === undefined) { graph.__kept = (outline.locations || []).slice(); }
    window.Plotly.restyle(graph, { locations: [[point.location]] }, [OUTLINE_TRACE]);
  });
  graph.on("plotly_unhover", function () {
    if (graph.__kept === undefined) { return; }
    window.Plotly.restyle(graph, { locations: [graph.__kept] }, [OUTLINE_TRACE]);
    graph.__kept = undefined;
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
    if (graph.closest("#area-map")) { tiePieces(graph); }
    const subplot = graph._fullLayout && graph._fullLayout.map && graph._fullLayout.map._subplot;
    if (subplot && subplot.map && subplot.map.__labelled !== true) {
      subplot.map.on("move", function () { placeLabels(graph); });
      subplot.map.__labelled = true;
    }
  });
}
// A map is fitted again only when its own box changes size (fitMap compares it each tick):
// a phone fires "resize" during a pinch, and refitting then undid the person's zoom.
setInterval(drawMaps, 300);
