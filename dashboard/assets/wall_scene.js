// The wall's 3D scene (/wall?scene=3d, or wall_scene = "3d"): one scene for the whole
// playlist, made by assets/scene3d.js, flying to each area the wall steps to.
(function () {
  "use strict";
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
      window.cockpitScene.prefetch(spec);
      wallBox.__shown = key;
      wallBox.__drawn = window.cockpitScene.sceneFor(wallBox, { theme: "dark", wall: true, spec: spec })
        .then((scene) => scene.show(spec).then(() => scene));
    }
    const bounds = JSON.parse(slot.dataset.bounds || "null") || spec.bounds;
    const areas = JSON.parse(slot.dataset.areas || "null");
    const first = !wallBox.__focused;
    wallBox.__focused = true;
    wallBox.__drawn.then((scene) => {
      if (wallSlot !== slot) { return; }
      scene.map.resize();
      // This step's areas tinted on the ground: a street's communities, say.
      if (areas) { scene.showAreas({ areas: areas }); }
      if (bounds) { scene.focus(bounds, first); }
    }).catch(() => null);
  }

  new MutationObserver(placeWall).observe(document.documentElement, { childList: true, subtree: true });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    scene3d: {
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
