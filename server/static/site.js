/* Enhancements only: every page works without this file.
 * 1. Search boxes marked data-autocomplete suggest entities from /search.json as you type.
 * 2. In a document's text, selecting (clicking, focusing or text-selecting) a highlighted
 *    passage shows the facts it supports, copied from the list under the text. */
(function () {
  "use strict";

  function autocomplete(input) {
    var list = document.createElement("ul");
    var id = input.id + "-suggestions";
    list.id = id;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");
    input.parentNode.insertBefore(list, input.nextSibling);
    var timer = null, active = -1, last = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }
    function render(results) {
      list.textContent = "";
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = id + "-" + i;
        var a = document.createElement("a");
        a.href = r.path || r.iri;
        a.textContent = r.label;
        li.appendChild(a);
        var small = document.createElement("small");
        var how = r.matched !== r.label ? " — " + r.how + " “" + r.matched + "”" : "";
        small.textContent = " " + (r.types[0] || r.kind) + how;
        li.appendChild(small);
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
    }
    function highlight(i) {
      var items = list.querySelectorAll("li");
      if (!items.length) { return; }
      active = (i + items.length) % items.length;
      items.forEach(function (li, k) { li.classList.toggle("active", k === active); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (!q) { close(); return; }
      timer = setTimeout(function () {
        last = q;
        fetch("/search.json?limit=8&q=" + encodeURIComponent(q))
          .then(function (r) { return r.json(); })
          .then(function (data) { if (data.query === last) { render(data.results); } })
          .catch(close);
      }, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { highlight(active + 1); e.preventDefault(); }
      else if (e.key === "ArrowUp") { highlight(active - 1); e.preventDefault(); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        window.location.href = list.querySelectorAll("li a")[active].href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }

  function passages() {
    var panel = document.getElementById("passage-panel");
    if (!panel) { return; }
    function show(mark) {
      var keys = (mark.getAttribute("data-passages") || "").trim().split(/\s+/);
      panel.textContent = "";
      var h = document.createElement("h3");
      h.textContent = "Facts this passage supports";
      panel.appendChild(h);
      keys.forEach(function (key) {
        var item = key && document.getElementById("passage-" + key);
        if (item) { panel.appendChild(item.cloneNode(true)).removeAttribute("id"); }
      });
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close";
      close.addEventListener("click", function () { panel.hidden = true; mark.focus(); });
      panel.appendChild(close);
      panel.hidden = false;
      document.querySelectorAll("mark.selected").forEach(function (m) {
        m.classList.remove("selected");
      });
      mark.classList.add("selected");
    }
    document.querySelectorAll("article.document mark[data-passages]").forEach(function (mark) {
      mark.addEventListener("click", function (e) {
        if (e.target.closest("a")) { return; }  // a mention link: follow it
        show(mark);
      });
      mark.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(mark); }
      });
    });
    document.addEventListener("selectionchange", function () {
      var sel = document.getSelection();
      if (!sel || sel.isCollapsed || !sel.anchorNode) { return; }
      var node = sel.anchorNode.nodeType === 1 ? sel.anchorNode : sel.anchorNode.parentNode;
      var mark = node && node.closest && node.closest("article.document mark[data-passages]");
      if (mark) { show(mark); }
    });
    if (window.location.hash.indexOf("#at-") === 0) {
      var target = document.getElementById(window.location.hash.slice(1));
      if (target && target.hasAttribute("data-passages")) { show(target); }
    }
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(autocomplete);
  passages();
})();
