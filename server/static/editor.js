// The query editor (YASGUI, served from this server): opened on the example query named by
// ?example= (the list below the editor links to each), its PREFIX lines folded, results
// shown whole (no ellipsis).
// Without JavaScript, or without YASGUI, the plain form of the page does the same work.
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  if (!root || typeof Yasgui === "undefined") return;
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var wanted = new URLSearchParams(window.location.search).get("example");
  if (!examples.some(function (q) { return q.name === wanted; })) {
    wanted = examples.length ? examples[0].name : null;
  }
  var whole = { isEllipsed: false, compact: false, pageSize: 50 };
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: window.location.origin + "/sparql", method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    yasqe: { collapsePrefixesOnLoad: true, editorHeight: "22rem" }
  });
  var blank = yasgui.persistentConfig.getTabs().slice();  // the empty tab Yasgui starts with
  var chosen = examples.filter(function (q) { return q.name === wanted; })[0];
  if (chosen) {
    yasgui.addTab(true, {
      name: chosen.name,
      yasqe: { value: chosen.query },
      yasr: { settings: { pluginsConfig: { table: whole } } }
    });
    blank.forEach(function (id) {
      var tab = yasgui.getTab(id);
      if (tab) tab.close();
    });
  }
  // Results whole: every table drawn without shortened cells.
  function unellipse(tab) {
    var yasr = tab && tab.getYasr && tab.getYasr();
    if (!yasr || !yasr.config || !yasr.config.plugins || !yasr.config.plugins.table) return;
    yasr.config.plugins.table.dynamicConfig = Object.assign(
      {}, yasr.config.plugins.table.dynamicConfig || {}, whole);
  }
  unellipse(yasgui.getTab());
  yasgui.on("tabSelect", function (_, id) { unellipse(yasgui.getTab(id)); });
  yasgui.on("query", function (_, tab) { unellipse(tab); });
  document.getElementById("plain-form").hidden = true;
  root.classList.add("ready");
})();
