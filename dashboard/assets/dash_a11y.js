// Dash 4's own controls, repaired where their markup fails WCAG (axe, run by
// tests/browser/test_accessibility.py, finds these on every cockpit page; Dash offers no
// prop to change them, so the markup is mended as Dash draws it):
// - a dropdown's keyboard proxy is focusable yet aria-hidden (axe "aria-hidden-focus"):
//   it only passes focus on to the dropdown's button, which has the name and the popup;
//   so the proxy is made inert and the button itself takes Tab;
// - radio items and checklists are listboxes of labelled native inputs ("nested-
//   interactive", "aria-input-field-name"): the inputs say what they are, so the list and
//   option roles go, and the group is named by the page (map_panel.py's role="group").
//   (A dropdown's open list is a listbox of options, as it should be, and is left alone.)
// React sets an attribute again only when its own value for it changes, and these never do.
(function () {
  function repair(root) {
    for (const proxy of root.querySelectorAll(".dash-dropdown-focus-target:not([inert])")) {
      proxy.inert = true;
      const button = proxy.nextElementSibling;
      if (button && button.tagName === "BUTTON" && !button.disabled) button.tabIndex = 0;
    }
    for (const list of root.querySelectorAll(
      ".dash-radioitems[role=listbox], .dash-checklist[role=listbox]"
    )) {
      list.removeAttribute("role");
    }
    for (const option of root.querySelectorAll(
      ":is(.dash-radioitems, .dash-checklist) > .dash-options-list-option[role]"
    )) {
      option.removeAttribute("role");
      option.removeAttribute("aria-selected");
    }
  }
  const start = () => {
    repair(document);
    new MutationObserver((changes) => {
      for (const change of changes) {
        if (change.type === "attributes") {
          repair(change.target.parentElement || document);
        } else {
          for (const node of change.addedNodes) if (node.nodeType === 1) repair(node.parentElement || node);
        }
      }
    }).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["role", "tabindex"],
    });
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
