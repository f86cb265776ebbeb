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

