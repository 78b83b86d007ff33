// szdata review site: show a highlight's row when it is hovered or focused.
// The row is copied from its hidden description (built, and escaped, by the templates):
// nothing here builds HTML from strings, so text from the data stays text.
(function () {
  "use strict";
  var tip = document.getElementById("tip");
  if (!tip) { return; }
  var current = null;

  function highlightOf(node) {
    while (node && node !== document) {
      if (node.nodeType === 1 && node.matches(".hl[data-id]")) { return node; }
      if (node.nodeType === 1 && node.matches(".hl[data-part-of]")) {
        return document.getElementById("h-" + node.getAttribute("data-part-of"));
      }
      node = node.parentNode;
    }
    return null;
  }

  function show(mark) {
    var desc = document.getElementById("d-" + mark.getAttribute("data-id"));
    if (!desc) { return; }
    current = mark;
    tip.replaceChildren.apply(tip, Array.prototype.map.call(desc.children, function (c) {
      return c.cloneNode(true);
    }));
    tip.setAttribute("data-for", mark.getAttribute("data-id"));
    tip.hidden = false;
    var box = mark.getBoundingClientRect();
    var left = Math.max(8, Math.min(box.left + window.scrollX,
      window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.left = left + "px";
    tip.style.top = (box.bottom + window.scrollY + 6) + "px";
  }

  function hide() {
    current = null;
    tip.hidden = true;
    tip.removeAttribute("data-for");
  }

  document.addEventListener("mouseover", function (e) {
    var mark = highlightOf(e.target);
    if (mark && mark !== current) { show(mark); }
  });
  document.addEventListener("mouseout", function (e) {
    var to = highlightOf(e.relatedTarget);
    if (current && to !== current && document.activeElement !== current) { hide(); }
  });
  document.addEventListener("focusin", function (e) {
    var mark = highlightOf(e.target);
    if (mark) { show(mark); } else if (current) { hide(); }
  });
  document.addEventListener("focusout", function (e) {
    if (current && !highlightOf(e.relatedTarget)) { hide(); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && current) { hide(); }
  });
})();
