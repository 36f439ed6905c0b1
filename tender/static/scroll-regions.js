/* A wide table scrolls sideways inside its own box (.scroll-x) instead of pushing the page. Someone on the
   keyboard alone must be able to scroll it too (WCAG 2.1.1): a box that overflows becomes a named region in
   the tab order, so arrow keys scroll it once it has focus; a box that fits stays out of the tab order.
   A file of its own, so that the Content-Security-Policy can forbid inline scripts. */
(function () {
  // the page's language (the vendor pages may be in English)
  var english = /^en/i.test(document.documentElement.lang || "");
  var WORDS = english ? {content: "Content", table: "Table", scroll: " (scroll sideways)"}
                      : {content: "Innhold", table: "Tabell", scroll: " (rull sideveis)"};
  function nameOf(box) {
    var table = box.querySelector("table");
    if (!table) { return WORDS.content; }
    var label = table.getAttribute("aria-label");
    var by = table.getAttribute("aria-labelledby");
    if (!label && by) {
      var target = document.getElementById(by.split(" ")[0]);
      label = target && target.textContent.trim();
    }
    if (!label && table.caption) { label = table.caption.textContent.trim(); }
    // else the heading the table stands under
    for (var el = box.previousElementSibling; !label && el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) { label = el.textContent.trim(); }
    }
    return label || WORDS.table;
  }
  function mark() {
    document.querySelectorAll(".scroll-x").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box) + WORDS.scroll);
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
})();
