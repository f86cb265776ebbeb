// The 3D scene (/3d, and the wall's scene): MapLibre GL JS's fill-extrusion layers over a
// plain background, from the spec the server reads for the caller's scope
// (dashboard/components/scene.py). No tiles, no glyphs, no fonts: names are HTML markers,
// so nothing is fetched from outside this server.
//
// MapLibre (1 MB) is vendored in assets/vendor/maplibre and Dash is told not to load it
// on every page (assets_ignore): it is loaded here, the first time a scene is drawn.
(function () {
  "use strict";
  const VENDOR = "/assets/vendor/maplibre/";
  const GROUND = { light: "#e9edf2", dark: "#0b1626" };
  const BUILDING = {
    light: ["interpolate", ["linear"], ["get", "h"], 0, "#c9d1dc", 40, "#a7b3c4", 100, "#7c8aa1"],
    dark: ["interpolate", ["linear"], ["get", "h"], 0, "#2d4468", 40, "#4a6da3", 100, "#8fb3e8"],
  };
  let loading = null;

  function loadMapLibre() {
    if (window.maplibregl) { return Promise.resolve(window.maplibregl); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        const css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = VENDOR + "maplibre-gl.css";
        document.head.appendChild(css);
        const script = document.createElement("script");
        script.src = VENDOR + "maplibre-gl.js";
        script.onload = function () { resolve(window.maplibregl); };
        script.onerror = function () { loading = null; reject(new Error("maplibre")); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  // Buildings arrive as whole millionths of a degree, each ring's first vertex from the
  // payload's origin and each next one from the one before (drawing/scene.py).
  function decodeBuildings(payload, names) {
    const q = payload.quantum, ox = payload.origin[0], oy = payload.origin[1];
    const out = [];
    for (let i = 0; i < payload.rings.length; i++) {
      const r = payload.rings[i];
      let x = ox + r[0], y = oy + r[1];
      const ring = [[x * q, y * q]];
      for (let j = 2; j < r.length; j += 2) {
        x += r[j]; y += r[j + 1];
        ring.push([x * q, y * q]);
      }
      ring.push(ring[0]);
      const code = payload.communities[payload.community[i]];
      out.push({
        type: "Feature",
        properties: { h: payload.height[i], f: payload.floors[i], c: names[code] || code },
        geometry: { type: "Polygon", coordinates: [ring] },
      });
    }
    return out;
  }

  // A facility as a hexagonal column about 24 m across, standing where it is.
  function columns(layers) {
    const out = [];
    layers.forEach(function (layer) {
      layer.items.forEach(function (p) {
        const dx = 12 / (111320 * Math.cos(p.lat * Math.PI / 180)), dy = 12 / 110540;
        const ring = [];
        for (let k = 0; k <= 6; k++) {
          const a = (k % 6) * Math.PI / 3;
          ring.push([p.lon + dx * Math.cos(a), p.lat + dy * Math.sin(a)]);
        }
        out.push({
          type: "Feature",
          properties: {
            kind: layer.name, what: layer.value_name, label: p.label, value: p.value,
            flag: p.flag, colour: p.colour, height: p.height,
          },
          geometry: { type: "Polygon", coordinates: [ring] },
        });
      });
    });
    return { type: "FeatureCollection", features: out };
  }

  // The camera that shows ``bounds`` tilted by ``pitch``: fitted looking straight down,
  // then closer, since a tilted view foreshortens the ground (cos 50–60° ≈ 0.5–0.65).
  function tilted(map, bounds, pitch, bearing) {
    const flat = map.cameraForBounds(bounds, { padding: 20, bearing: bearing });
    if (!flat) { return null; }
    return { center: flat.center, zoom: flat.zoom + 0.3, bearing: bearing, pitch: pitch };
  }

  function intersects(a, b) {
    return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
  }

  function tipHTML(feature, spec) {
    const p = feature.properties, L = spec.labels, esc = escapeText;
    if (feature.layer.id === "facilities") {
      return "<b>" + esc(p.kind) + "</b><br>" + esc(p.label) + "<br>" + esc(p.what) + ": " +
        esc(p.value) + (p.flag ? "<br><span class='scene-flag'>" + esc(p.flag) + "</span>" : "");
    }
    if (feature.layer.id === "buildings") {
      const floors = p.f ? L.floors.replace("{n}", p.f) + " · " : "";
      return "<b>" + esc(L.building) + "</b> · " + esc(p.c) + "<br>" + floors +
        esc(L.height.replace("{n}", p.h));
    }
    return "<b>" + esc(p.name) + "</b><br>" + esc(L.indicator) + ": " + esc(p.value) +
      " · " + esc(p.status_text);
  }

  function escapeText(value) {
    const div = document.createElement("div");
    div.textContent = value == null ? "" : String(value);
    return div.innerHTML;
  }

  function navigate(href) {
    window.history.pushState({}, "", href);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
  }

  function Scene(ml, box, options) {
    this.box = box;
    this.options = options || {};
    this.theme = this.options.theme || "light";
    this.loaded = {};
    this.buildings = [];
    this.markers = [];
    this.items = {};
    box.innerHTML = "";
    this.tip = document.createElement("div");
    this.tip.className = "scene-tip";
    this.tip.id = (box.id || "scene") + "-tip";
    this.tip.setAttribute("role", "status");
    box.appendChild(this.tip);
    this.map = new ml.Map({
      container: box,
      style: {
        version: 8, sources: {},
        layers: [{ id: "ground", type: "background", paint: { "background-color": GROUND[this.theme] } }],
      },
      center: [120.17, 30.29], zoom: 12, pitch: 55, bearing: -17, maxPitch: 75,
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    if (!this.options.wall) {
      this.map.addControl(new ml.NavigationControl({ visualizePitch: true }), "top-right");
    }
    this.ready = new Promise((resolve) => this.map.on("load", resolve)).then(() => this.addLayers());
    this.map.on("mousemove", (e) => this.hover(e));
    this.map.on("mouseout", () => { this.tip.style.display = "none"; });
    this.map.on("click", (e) => this.click(e));
    this.map.on("moveend", () => this.loadInView());
  }

  Scene.prototype.addLayers = function () {
    const map = this.map, dark = this.theme === "dark";
    const empty = { type: "FeatureCollection", features: [] };
    map.addSource("areas", { type: "geojson", data: empty });
    map.addSource("buildings", { type: "geojson", data: empty });
    map.addSource("facilities", { type: "geojson", data: empty });
    map.addLayer({ id: "areas-fill", type: "fill", source: "areas",
      paint: { "fill-color": ["get", "colour"], "fill-opacity": dark ? 0.5 : 0.42 } });
    map.addLayer({ id: "areas-line", type: "line", source: "areas",
      paint: { "line-color": dark ? "#dbe6f5" : "#ffffff",
               "line-width": ["case", ["get", "current"], 5, 2] } });
    map.addLayer({ id: "buildings", type: "fill-extrusion", source: "buildings",
      paint: { "fill-extrusion-color": BUILDING[this.theme], "fill-extrusion-height": ["get", "h"],
               "fill-extrusion-base": 0, "fill-extrusion-opacity": 0.92 } });
    map.addLayer({ id: "facilities", type: "fill-extrusion", source: "facilities",
      paint: { "fill-extrusion-color": ["get", "colour"], "fill-extrusion-height": ["get", "height"],
               "fill-extrusion-base": 0, "fill-extrusion-opacity": 0.95 } });
  };

  Scene.prototype.show = function (spec) {
    const first = !this.spec || this.spec.area.code !== spec.area.code;
    this.spec = spec;
    this.box.dataset.state = "loading";
    this.orbiting = false;
    this.map.stop();
    const drawn = this.ready.then(() => Promise.all([this.showAreas(spec), this.showBuildings(spec, first)]))
      .then(() => {
        this.map.getSource("facilities").setData(columns(spec.points));
        if (first && spec.bounds && !this.options.wall) {
          this.map.resize();
          const camera = tilted(this.map, spec.bounds, 50, -17);
          if (camera) { this.map.jumpTo(camera); }
          return this.loadInView();
        }
      });
    // Drawn: the data is in and MapLibre has nothing left to do (its "idle").
    return drawn.then(() => new Promise((resolve) => {
      this.map.once("idle", () => {
        this.box.dataset.state = "drawn";
        this.box.dataset.buildings = String(this.buildings.length);
        window.__sceneDrawnAt = performance.now();
        resolve();
      });
      this.map.triggerRepaint();
    })).catch((err) => {
      this.box.dataset.state = "failed";
      this.tip.textContent = String(err);
      this.tip.style.display = "block";
    });
  };

  Scene.prototype.showAreas = function (spec) {
    this.items = {};
    spec.areas.items.forEach((item) => { this.items[item.code] = item; });
    this.markers.forEach((m) => m.remove());
    this.markers = [];
    const ml = window.maplibregl;
    spec.areas.items.forEach((item) => {
      if (!item.at) { return; }
      const label = document.createElement("div");
      label.className = "scene-label" + (item.code === spec.areas.highlight ? " current" : "");
      label.setAttribute("aria-label", item.name + ": " + item.status_text);
      const dot = document.createElement("span");
      dot.className = "status-dot " + (item.status || "none");
      label.appendChild(dot);
      label.appendChild(document.createTextNode(item.name));
      label.addEventListener("click", (e) => { e.stopPropagation(); this.drill(item); });
      this.markers.push(new ml.Marker({ element: label }).setLngLat(item.at).addTo(this.map));
    });
    if (!spec.areas.url) {
      this.map.getSource("areas").setData({ type: "FeatureCollection", features: [] });
      return Promise.resolve();
    }
    return getJSON(spec.areas.url).then((shapes) => {
      shapes.features.forEach((f) => {
        const item = this.items[f.properties.code] || {};
        Object.assign(f.properties, {
          name: item.name, colour: item.colour || "#8aa2bd", value: item.value,
          status_text: item.status_text, current: f.properties.code === spec.areas.highlight,
        });
      });
      this.map.getSource("areas").setData(shapes);
    });
  };

  Scene.prototype.showBuildings = function (spec, first) {
    if (first) { this.loaded = {}; this.buildings = []; }
    this.names = spec.communities || {};
    return this.loadInView();
  };

  // The buildings of the areas in view: all of them for a district or a street; at city
  // scale (spec.buildings.lazy) only those of the areas in view, close up.
  Scene.prototype.loadInView = function () {
    const spec = this.spec;
    if (!spec || !this.map.getSource("buildings")) { return Promise.resolve(); }
    const b = this.map.getBounds(), view = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    const lazy = spec.buildings.lazy, near = this.map.getZoom() >= spec.buildings.min_zoom;
    const wanted = spec.buildings.chunks.filter((c) =>
      !this.loaded[c.url] && (!lazy || (near && intersects(view, c.bounds))));
    this.box.dataset.lazy = lazy && !near ? "far" : "";
    if (!wanted.length) { return Promise.resolve(); }
    wanted.forEach((c) => { this.loaded[c.url] = true; });
    return Promise.all(wanted.map((c) => getJSON(c.url))).then((payloads) => {
      payloads.forEach((p) => { this.buildings = this.buildings.concat(decodeBuildings(p, this.names)); });
      this.map.getSource("buildings").setData({ type: "FeatureCollection", features: this.buildings });
    });
  };

  Scene.prototype.pick = function (point) {
    const layers = ["facilities", "buildings", "areas-fill"].filter((id) => this.map.getLayer(id));
    return this.map.queryRenderedFeatures(point, { layers: layers });
  };

  Scene.prototype.hover = function (e) {
    const found = this.pick(e.point);
    if (!found.length) { this.tip.style.display = "none"; return; }
    this.tip.innerHTML = tipHTML(found[0], this.spec);
    this.tip.style.left = (e.point.x + 14) + "px";
    this.tip.style.top = (e.point.y + 14) + "px";
    this.tip.style.display = "block";
    this.map.getCanvas().style.cursor = found.some((f) => f.layer.id === "areas-fill") ? "pointer" : "";
  };

  Scene.prototype.click = function (e) {
    const found = this.pick(e.point);
    this.hover(e);  // a tap shows what is there, as a hover does
    if (this.options.wall || found.some((f) => f.layer.id === "facilities")) { return; }
    const area = found.find((f) => f.layer.id === "areas-fill");
    if (area && this.items[area.properties.code]) { this.drill(this.items[area.properties.code]); }
  };

  // A click on an area flies to it, then opens its scene.
  Scene.prototype.drill = function (item) {
    if (this.options.wall || item.code === this.spec.areas.highlight || !item.at) { return; }
    this.box.dataset.state = "flying";
    this.map.flyTo({ center: item.at, zoom: this.map.getZoom() + 1.2, pitch: 60, duration: 900 });
    this.map.once("moveend", () => navigate(item.href));
  };

  // The wall: fly to an area's bounds (at once, the first time), then turn slowly
  // around it until the next step.
  Scene.prototype.focus = function (bounds, instant) {
    return this.ready.then(() => {
      this.orbiting = false;
      this.map.stop();
      const camera = tilted(this.map, bounds, 58, this.map.getBearing());
      if (!camera) { return; }
      const move = Object.assign(camera, { essential: true });
      this.map.once("moveend", () => { this.orbiting = true; this.spin(); });
      if (instant) { this.map.jumpTo(move); } else { this.map.flyTo(Object.assign(move, { duration: 2500 })); }
    });
  };

  Scene.prototype.spin = function () {
    if (!this.orbiting) { return; }
    this.map.easeTo({ bearing: this.map.getBearing() + 20, duration: 8000, easing: (t) => t, essential: true });
    this.map.once("moveend", () => this.spin());
  };

  function sceneFor(box, options) {
    if (box.__scene && box.__scene.map.getContainer() === box) { return Promise.resolve(box.__scene); }
    return loadMapLibre().then(function (ml) {
      if (!box.__scene) {
        try {
          box.__scene = new Scene(ml, box, options);
        } catch (err) {
          box.dataset.state = "failed";
          box.textContent = box.dataset.nowebgl || String(err);
          throw err;
        }
      }
      return box.__scene;
    });
  }

  // The wall keeps one scene for good, made here (not by Dash) and moved into each step's
  // slot as the step is drawn: the camera flies on from where it was, and the buildings
  // are loaded once.
  let wallBox = null, wallSpec = null, wallSlot = null;

  function placeWall() {
    const slot = document.getElementById("wall-scene-slot");
    if (!slot || !wallSpec || slot === wallSlot) { return; }
    wallSlot = slot;
    if (!wallBox) {
      wallBox = document.createElement("div");
      wallBox.id = "wall-scene";
      wallBox.className = "scene3d wall-scene";
    }
    if (wallBox.parentNode !== slot) { slot.appendChild(wallBox); }
    const key = JSON.stringify(wallSpec), spec = wallSpec;
    if (wallBox.__shown !== key) {
      wallBox.__shown = key;
      wallBox.__drawn = sceneFor(wallBox, { theme: "dark", wall: true })
        .then((scene) => scene.show(spec).then(() => scene));
    }
    const bounds = JSON.parse(slot.dataset.bounds || "null") || spec.bounds;
    const first = !wallBox.__focused;
    wallBox.__focused = true;
    wallBox.__drawn.then((scene) => {
      scene.map.resize();
      if (bounds && wallSlot === slot) { scene.focus(bounds, first); }
    }).catch(() => null);
  }

  new MutationObserver(placeWall).observe(document.documentElement, { childList: true, subtree: true });

  window.cockpitScene = { sceneFor: sceneFor };

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    scene3d: {
      render: function (spec) {
        const box = document.getElementById("scene3d");
        if (spec && box) {
          box.dataset.nowebgl = spec.labels.nowebgl;
          sceneFor(box, { theme: spec.theme }).then((scene) => scene.show(spec)).catch(() => null);
        }
        return window.dash_clientside.no_update;
      },
      wall: function (spec) {
        if (spec && wallSpec && JSON.stringify(spec) === JSON.stringify(wallSpec)) {
          return window.dash_clientside.no_update;
        }
        wallSpec = spec || null;
        wallSlot = null;
        placeWall();
        return window.dash_clientside.no_update;
      },
    },
  });
})();
