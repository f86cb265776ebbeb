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

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  // What a scene needs is asked for as soon as its spec arrives, while MapLibre is still
  // loading and starting: each URL once, handed over when the scene takes it.
  const early = {};
  function prefetch(spec) {
    // (Buildings shown whole are fetched by MapLibre's worker; those of a city, in view.)
    const urls = [spec.areas.url];
    urls.forEach((url) => { if (url && !early[url]) { early[url] = fetchJSON(url); } });
  }
  function getJSON(url) {
    const promise = early[url] || fetchJSON(url);
    delete early[url];
    return promise;
  }

  // A wall with the 3D scene starts loading MapLibre with the page, not once Dash has
  // drawn it (the /3d page loads it with a script tag of its own).
  if (/[?&]scene=3d/.test(location.search)) {
    loadMapLibre().catch(() => null);
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
    window.location.assign(href);
  }

  // The whole style at once, the buildings' GeoJSON named in it when the scene shows them
  // all: MapLibre's worker fetches and cuts them into tiles while the map starts, instead
  // of after (bench.scene3d measures the first complete frame).
  function styleFor(theme, buildingsURL) {
    const dark = theme === "dark";
    const empty = { type: "FeatureCollection", features: [] };
    return {
      // Changes of paint apply at once (no 300 ms transition frames).
      version: 8, transition: { duration: 0, delay: 0 },
      sources: {
        areas: { type: "geojson", data: empty },
        buildings: { type: "geojson", data: buildingsURL || empty, maxzoom: 14, tolerance: 0.5, buffer: 32 },
        facilities: { type: "geojson", data: empty },
      },
      layers: [
        { id: "ground", type: "background", paint: { "background-color": GROUND[theme] } },
        { id: "areas-fill", type: "fill", source: "areas",
          paint: { "fill-color": ["get", "colour"], "fill-opacity": dark ? 0.5 : 0.42 } },
        { id: "areas-line", type: "line", source: "areas",
          paint: { "line-color": dark ? "#dbe6f5" : "#ffffff",
                   "line-width": ["case", ["get", "current"], 5, 2] } },
        { id: "buildings", type: "fill-extrusion", source: "buildings",
          paint: { "fill-extrusion-color": BUILDING[theme], "fill-extrusion-height": ["get", "h"],
                   "fill-extrusion-base": 0, "fill-extrusion-opacity": 0.92 } },
        { id: "facilities", type: "fill-extrusion", source: "facilities",
          paint: { "fill-extrusion-color": ["get", "colour"], "fill-extrusion-height": ["get", "height"],
                   "fill-extrusion-base": 0, "fill-extrusion-opacity": 0.95 } },
      ],
    };
  }

  function wholeURL(spec) {
    return spec && !spec.buildings.lazy ? spec.buildings.url : null;
  }

  function Scene(ml, box, options) {
    this.box = box;
    this.options = options || {};
    this.theme = this.options.theme || "light";
    this.loaded = {};
    this.buildings = [];
    this.markers = [];
    this.items = {};
    this.buildingsURL = wholeURL(this.options.spec);
    box.innerHTML = "";
    this.tip = document.createElement("div");
    this.tip.className = "scene-tip";
    this.tip.id = (box.id || "scene") + "-tip";
    this.tip.setAttribute("role", "status");
    box.appendChild(this.tip);
    const start = this.options.spec && this.options.spec.bounds;
    this.map = new ml.Map({
      container: box,
      style: styleFor(this.theme, this.buildingsURL),
      center: [120.17, 30.29], zoom: 12, pitch: 55, bearing: -17, maxPitch: 75,
      attributionControl: false,
      // No fade-in of tiles: the scene is whole the moment it is drawn.
      fadeDuration: 0,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    if (start && !this.options.wall) {
      const camera = tilted(this.map, start, 50, -17);
      if (camera) { this.map.jumpTo(camera); }
      this.framed = true;
    }
    if (!this.options.wall) {
      this.map.addControl(new ml.NavigationControl({ visualizePitch: true }), "top-right");
    }
    performance.mark("scene:map");
    this.ready = new Promise((resolve) => this.map.on("load", resolve))
      .then(() => { performance.mark("scene:load"); });
    this.map.on("mousemove", (e) => this.hover(e));
    this.map.on("mouseout", () => { this.tip.style.display = "none"; });
    this.map.on("click", (e) => this.click(e));
    this.map.on("moveend", () => this.loadInView());
  }

  Scene.prototype.show = function (spec) {
    const first = !this.spec || this.spec.area.code !== spec.area.code;
    this.spec = spec;
    this.box.dataset.state = "loading";
    this.orbiting = false;
    this.map.stop();
    const drawn = this.ready.then(() => Promise.all([this.showAreas(spec), this.showBuildings(spec, first)]))
      .then(() => {
        this.map.getSource("facilities").setData(columns(spec.points));
        if (first && spec.bounds && !this.options.wall && !this.framed) {
          this.map.resize();
          const camera = tilted(this.map, spec.bounds, 50, -17);
          if (camera) { this.map.jumpTo(camera); }
          return this.loadInView();
        }
        this.framed = false;
      });
    // Drawn: the data is in and MapLibre has nothing left to do (its "idle").
    return drawn.then(() => new Promise((resolve) => {
      this.map.once("idle", () => {
        performance.mark("scene:drawn");
        this.box.dataset.state = "drawn";
        this.box.dataset.buildings = String(this.buildingsURL ? spec.buildings.count : this.buildings.length);
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
    const url = wholeURL(spec);
    if (url) {
      if (url !== this.buildingsURL) { this.map.getSource("buildings").setData(url); }
      this.buildingsURL = url;
      return Promise.resolve();
    }
    this.buildingsURL = null;
    if (first) { this.loaded = {}; this.buildings = []; }
    this.names = spec.communities || {};
    return this.loadInView();
  };

  // The buildings of the areas in view: all of them for a district or a street; at city
  // scale (spec.buildings.lazy) only those of the areas in view, close up.
  Scene.prototype.loadInView = function () {
    const spec = this.spec;
    if (!spec || this.buildingsURL || !this.map.getSource("buildings")) { return Promise.resolve(); }
    const b = this.map.getBounds(), view = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    const lazy = spec.buildings.lazy, near = this.map.getZoom() >= spec.buildings.min_zoom;
    const wanted = spec.buildings.chunks.filter((c) =>
      !this.loaded[c.url] && (!lazy || (near && intersects(view, c.bounds))));
    this.box.dataset.lazy = lazy && !near ? "far" : "";
    if (!wanted.length) { return Promise.resolve(); }
    wanted.forEach((c) => { this.loaded[c.url] = true; });
    return Promise.all(wanted.map((c) => getJSON(c.url))).then((payloads) => {
      performance.mark("scene:fetched");  // marks for the benchmark's breakdown (bench.scene3d)
      payloads.forEach((p) => { this.buildings = this.buildings.concat(decodeBuildings(p, this.names)); });
      performance.mark("scene:decoded");
      const map = this.map;
      map.getSource("buildings").setData({ type: "FeatureCollection", features: this.buildings });
      performance.mark("scene:given");
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

  // The /3d page: the spec is in the page; another indicator or facility layer asks the
  // server for the spec of that view (?format=json), and the address follows.
  function startPage() {
    const box = document.getElementById("scene3d");
    const specNode = document.getElementById("scene3d-spec");
    if (!box || !specNode) { return; }
    const spec = JSON.parse(specNode.textContent);
    prefetch(spec);
    const shown = sceneFor(box, { theme: spec.theme, spec: spec }).then((scene) => { scene.show(spec); return scene; });
    const select = document.getElementById("scene3d-indicator");
    const boxes = [...document.querySelectorAll(".scene-layer-box")];
    const count = document.getElementById("scene3d-count");
    function choose() {
      const params = new URLSearchParams(location.search);
      params.set("indicator", select.value);
      params.set("layers", boxes.filter((b) => b.checked).map((b) => b.value).join(","));
      const view = location.pathname + "?" + params.toString();
      params.set("format", "json");
      fetchJSON(location.pathname + "?" + params.toString()).then((next) => {
        window.history.replaceState(null, "", view);
        count.textContent = next.buildings.text;
        return shown.then((scene) => scene.show(next));
      }).catch(() => null);
    }
    select.addEventListener("change", choose);
    boxes.forEach((b) => b.addEventListener("change", choose));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startPage);
  } else {
    startPage();
  }

  // For the wall (wall_scene.js), which keeps one scene across its steps.
  window.cockpitScene = { sceneFor: sceneFor, prefetch: prefetch };

})();
