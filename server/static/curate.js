// The curation workbench (server/curate.py): the document's text with the passages of its
// facts highlighted, each fact with accept / edit / reject, a new fact from a selected
// passage, the names to review, undo. Every change is a POST with the page's CSRF token and
// the mapping file's version; the server writes the YAML, rebuilds and answers what it did.
(function () {
  "use strict";
  const root = document.querySelector(".curate");
  if (!root) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const confidences = JSON.parse(document.getElementById("curate-confidences").textContent);
  let page = JSON.parse(document.getElementById("curate-data").textContent);
  let properties = [];
  let editing = null; // {index} for an edit, {index: null} for a new fact
  let selection = null; // the passage selected in the text
  let lastErrors = [];

  const $ = (sel, el) => (el || document).querySelector(sel);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  };
  const status = (text, bad) => {
    const s = $("#curate-status");
    s.textContent = text;
    s.classList.toggle("curate-error", !!bad);
  };

  async function api(path, body) {
    const options = body === undefined ? {} : {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body),
    };
    const response = await fetch(path, options);
    const data = await response.json().catch(() => ({message: response.statusText}));
    if (!response.ok) throw new Error(data.message || response.statusText);
    return data;
  }

  async function reload() {
    page = await api(`/curate/api/${page.id}`);
    render();
  }

  // A change: POST it, then show what the build made of it.
  async function change(path, body) {
    status("Saving and rebuilding…");
    try {
      const out = await api(path, {version: page.version, ...body});
      lastErrors = out.errors || [];
      await reload();
      if (lastErrors.length) {
        status(`${out.what}. The build failed: ${lastErrors.map((e) => e.message).join("; ")}`, true);
      } else {
        status(`${out.what}. ${out.message} (${out.seconds} s).`);
      }
      return true;
    } catch (err) {
      status(err.message, true);
      if (/changed since you loaded it/.test(err.message)) {
        status(`${err.message} `, true);
        $("#curate-status").append(el("button", {type: "button", onclick: () => reload().then(() => status("Reloaded."))}, "Reload"));
      }
      return false;
    }
  }

  // --- the text with its highlighted passages ---------------------------------------------
  function renderText() {
    const src = page.source;
    const marks = [];
    for (const f of page.facts) {
      for (const [s, e] of f.spans) marks.push({s, e, kind: f.candidate ? "candidate" : "fact", fact: f.index});
    }
    for (const p of page.provisional) for (const [s, e] of p.spans) marks.push({s, e, kind: "person", name: p.name});
    const cuts = new Set([0, src.length]);
    for (const m of marks) { cuts.add(m.s); cuts.add(m.e); }
    const points = [...cuts].sort((a, b) => a - b);
    const box = $("#curate-source");
    box.replaceChildren();
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      const text = src.slice(a, b);
      const over = marks.filter((m) => m.s <= a && b <= m.e);
      if (!over.length) { box.append(text); continue; }
      const facts = over.filter((m) => m.fact !== undefined);
      const mark = el("mark", {
        class: [...new Set(over.map((m) => "mark-" + m.kind))].join(" "),
        "data-start": a,
        "data-facts": facts.map((m) => m.fact).join(" ") || null,
        title: facts.length ? `Fact ${facts.map((m) => m.fact + 1).join(", ")}` : "A name to review",
      }, text);
      if (facts.length) mark.addEventListener("click", () => focusFact(facts[0].fact));
      box.append(mark);
    }
  }

  function focusFact(index) {
    const card = document.getElementById(`fact-${index}`);
    if (!card) return;
    document.querySelectorAll(".curate-fact.selected").forEach((c) => c.classList.remove("selected"));
    card.classList.add("selected");
    card.scrollIntoView({block: "nearest"});
    card.focus();
  }

  // --- the facts -------------------------------------------------------------------------
  function valueText(v) { return Array.isArray(v) ? v.join(", ") : String(v); }

  function renderFacts() {
    const list = $("#curate-facts");
    list.replaceChildren();
    const pending = page.facts.filter((f) => f.candidate).length;
    $("#curate-counts").textContent = `(${page.facts.length}, of which ${pending} candidate${pending === 1 ? "" : "s"} to review)`;
    for (const f of page.facts) {
      const errors = lastErrors.filter((e) => e.document === page.id && e.fact === f.index);
      const props = el("dl", {class: "curate-props"});
      for (const [k, v] of Object.entries(f.properties)) props.append(el("dt", {}, k), el("dd", {}, valueText(v)));
      const card = el("li", {id: `fact-${f.index}`, class: "curate-fact" + (f.candidate ? " candidate" : "") + (errors.length ? " failed" : ""), tabindex: "-1"},
        el("p", {class: "curate-fact-head"},
          el("span", {class: "badge" + (f.candidate ? "" : " stated")}, f.candidate ? "candidate" : "accepted"),
          el("strong", {}, f.about),
          f.claimed_by ? el("span", {class: "curate-claimant"}, ` claimed by ${f.claimed_by}`) : null),
        props,
        el("blockquote", {class: "evidence"}, el("p", {}, f.quote),
          f.spans.length ? null : el("footer", {}, "not found in the text")),
        ...errors.map((e) => el("p", {class: "curate-error", role: "alert"}, e.message)),
        el("div", {class: "curate-fact-buttons"},
          f.candidate ? el("button", {type: "button", class: "accept", onclick: () => change(`/curate/api/${page.id}/facts/${f.index}/accept`, {})}, "Accept") : null,
          el("button", {type: "button", class: "edit", onclick: () => openEditor(f)}, "Edit"),
          el("button", {type: "button", class: "reject", onclick: () => change(`/curate/api/${page.id}/facts/${f.index}/reject`, {})}, f.candidate ? "Reject" : "Delete")));
      card.addEventListener("click", (ev) => {
        if (ev.target.tagName === "BUTTON") return;
        const first = f.spans[0];
        document.querySelectorAll("#curate-source mark.selected").forEach((m) => m.classList.remove("selected"));
        document.querySelectorAll(`#curate-source mark[data-facts~="${f.index}"]`).forEach((m) => m.classList.add("selected"));
        if (first) {
          const m = document.querySelector(`#curate-source mark[data-facts~="${f.index}"]`);
          if (m) m.scrollIntoView({block: "nearest"});
        }
      });
      list.append(card);
    }
  }

  // --- names to review -------------------------------------------------------------------
  function entityInput(id, label) {
    return el("label", {}, label, el("input", {id, list: "curate-ids", autocomplete: "off", "data-suggest": ""}));
  }

  function renderReview() {
    const box = $("#curate-review");
    box.replaceChildren();
    if (!page.provisional.length && !page.ambiguous.length && !page.review.length) {
      box.append(el("p", {}, "Nothing to review."));
    }
    page.provisional.forEach((p, i) => {
      const into = `merge-${i}`;
      const conf = el("select", {id: `confidence-${i}`}, ...confidences.map((c) => el("option", {value: c, selected: c === "Probable" ? "" : null}, c)));
      box.append(el("section", {class: "curate-person", "data-name": p.name},
        el("h3", {}, p.name, el("small", {}, " a person the registry does not know")),
        el("div", {class: "curate-row"}, entityInput(into, "Merge into the registry person "),
          el("label", {}, "confidence ", conf),
          el("button", {type: "button", class: "merge", onclick: () => {
            const target = resolveId($(`#${into}`).value);
            if (!target) { status("Choose the registry person to merge into.", true); return; }
            change(`/curate/api/${page.id}/people/merge`, {name: p.name, into: target, confidence: conf.value});
          }}, "Merge")),
        el("div", {class: "curate-row"},
          el("button", {type: "button", class: "register", onclick: () => change(`/curate/api/${page.id}/people/register`, {name: p.name})}, "Add to the registry as a new person"),
          el("button", {type: "button", class: "not-person", onclick: () => change(`/curate/api/${page.id}/people/not-a-person`, {name: p.name})}, "Not a person"))));
    });
    page.ambiguous.forEach((a) => {
      box.append(el("section", {class: "curate-ambiguous"},
        el("h3", {}, a.name, el("small", {}, " may name several entities")),
        ...a.candidates.map((c) => el("button", {type: "button", onclick: () => change(`/curate/api/${page.id}/names/choose`, {name: a.name, entity: c.id})}, `It is ${c.label}`))));
    });
    if (page.review.length) {
      box.append(el("ul", {class: "curate-review-items"}, ...page.review.map((r) => el("li", {}, r))));
    }
  }

  // --- autocomplete: registry entities, this document's nodes ----------------------------
  const known = new Map();
  function addKnown(id, label) { if (!known.has(id)) known.set(id, label); }
  function resolveId(text) {
    text = (text || "").trim();
    if (!text) return "";
    if (known.has(text)) return text;
    const m = text.match(/\(([a-z0-9-]+|[A-Z][A-Za-z]+)\)\s*$/);
    return m ? m[1] : text;
  }
  function fillIds(items) {
    const list = $("#curate-ids");
    list.replaceChildren();
    for (const [id, label] of Object.entries(page.nodes).map(([k, v]) => [k, v.label || k])) addKnown(id, label);
    for (const it of items) addKnown(it.id, it.label);
    const shown = new Set();
    for (const it of items) { list.append(el("option", {value: `${it.label} (${it.id})`})); shown.add(it.id); }
    for (const [id, n] of Object.entries(page.nodes)) if (!shown.has(id)) list.append(el("option", {value: id}, n.label || ""));
    for (const id of ["document", "communication", "Curators"]) list.append(el("option", {value: id}));
  }
  let timer = null;
  document.addEventListener("input", (ev) => {
    if (ev.target.getAttribute("list") !== "curate-ids") return;
    clearTimeout(timer);
    const q = ev.target.value;
    if (q.length < 2 || /\(([a-z0-9-]+)\)$/.test(q)) return;
    timer = setTimeout(async () => fillIds(await api(`/curate/api/entities?q=${encodeURIComponent(q)}`)), 120);
  });

  // --- the fact editor -------------------------------------------------------------------
  function propRow(name, value) {
    const def = el("small", {class: "curate-definition"});
    const prop = el("input", {list: "curate-props-list", class: "prop-name", "aria-label": "Property", value: name || "", autocomplete: "off"});
    const val = el("input", {class: "prop-value", list: "curate-ids", "aria-label": "Value", value: value === undefined ? "" : valueText(value), autocomplete: "off"});
    const explain = () => {
      const p = properties.find((x) => x.name === prop.value.trim());
      def.textContent = p ? `${p.label}: ${p.definition}` : "";
    };
    prop.addEventListener("input", explain);
    explain();
    return el("div", {class: "curate-prop-row"}, el("label", {}, "Property ", prop), el("label", {}, "Value ", val),
      el("button", {type: "button", "aria-label": "Remove this property", onclick: (ev) => ev.target.closest(".curate-prop-row").remove()}, "×"), def);
  }

  function openEditor(fact, quote) {
    editing = {index: fact ? fact.index : null};
    const form = $("#curate-form");
    form.reset();
    $("#curate-form-error").textContent = "";
    $("#curate-editor-title").textContent = fact ? `Edit fact ${fact.index + 1}` : "New fact";
    form.about.value = fact ? fact.about : "";
    form.claimed_by.value = fact && fact.claimed_by ? fact.claimed_by : "";
    form.quote.value = fact ? fact.quote : (quote || "");
    form.note.value = fact && fact.note ? fact.note : "";
    $(".curate-newnode").hidden = true;
    form.about.required = true;
    form.about.disabled = false;
    form.new_node.closest("label").hidden = !!fact;
    const rows = $("#curate-props");
    rows.replaceChildren();
    const props = fact ? Object.entries(fact.properties) : [["", undefined]];
    for (const [k, v] of props) rows.append(propRow(k, v));
    $("#curate-editor").showModal();
    form.about.focus();
  }

  $("#curate-add-prop").addEventListener("click", () => $("#curate-props").append(propRow("", undefined)));
  $("#curate-form").new_node.addEventListener("change", (ev) => {
    // A new node is the subject: its id is the subject's.
    $(".curate-newnode").hidden = !ev.target.checked;
    $("#curate-form").about.required = !ev.target.checked;
    $("#curate-form").about.disabled = ev.target.checked;
  });
  $("#curate-use-selection").addEventListener("click", () => {
    if (selection) $("#curate-form").quote.value = selection;
  });

  function readForm() {
    const form = $("#curate-form");
    const props = {};
    for (const row of document.querySelectorAll(".curate-prop-row")) {
      const name = row.querySelector(".prop-name").value.trim();
      const raw = row.querySelector(".prop-value").value.trim();
      if (!name && !raw) continue;
      const p = properties.find((x) => x.name === name);
      const parts = p && p.kind === "object" ? raw.split(/,\s*(?![^(]*\))/).map(resolveId).filter(Boolean) : [raw];
      props[name] = parts.length === 1 ? parts[0] : parts;
    }
    const fact = {about: resolveId(form.about.value), properties: props, quote: form.quote.value.trim()};
    const claimant = resolveId(form.claimed_by.value);
    if (claimant) fact.claimed_by = claimant;
    if (form.note.value.trim()) fact.note = form.note.value.trim();
    let node = null;
    if (editing.index === null && form.new_node.checked) {
      node = {id: form.node_id.value.trim(), type: form.node_type.value.trim(), label: form.node_label.value.trim()};
    }
    return {fact, node};
  }

  $("#curate-form").addEventListener("submit", async (ev) => {
    if (ev.submitter && ev.submitter.value === "cancel") return;
    ev.preventDefault();
    const {fact, node} = readForm();
    const path = editing.index === null ? `/curate/api/${page.id}/facts` : `/curate/api/${page.id}/facts/${editing.index}/edit`;
    status("Saving and rebuilding…");
    try {
      const out = await api(path, {version: page.version, fact, node});
      $("#curate-editor").close();
      lastErrors = out.errors || [];
      await reload();
      status(lastErrors.length ? `${out.what}. The build failed: ${lastErrors.map((e) => e.message).join("; ")}` : `${out.what}. ${out.message} (${out.seconds} s).`, lastErrors.length > 0);
    } catch (err) {
      $("#curate-form-error").textContent = err.message;
      status(err.message, true);
    }
  });

  // --- a passage selected in the text ------------------------------------------------------
  document.addEventListener("selectionchange", () => {
    const sel = window.getSelection();
    const box = $("#curate-source");
    const text = sel && !sel.isCollapsed && box.contains(sel.anchorNode) && box.contains(sel.focusNode)
      ? sel.toString().replace(/\s+/g, " ").trim() : "";
    if (text) selection = text;
    $("#curate-new").disabled = !selection;
  });
  $("#curate-new").addEventListener("click", () => openEditor(null, selection));
  $("#curate-undo").addEventListener("click", () => change("/curate/api/undo", {}));
  $("#curate-build").addEventListener("click", () => change("/curate/api/build", {}));

  function render() {
    renderText();
    renderFacts();
    renderReview();
    fillIds([]);
    $("#curate-file").textContent = page.file;
  }

  api("/curate/api/properties").then((ps) => {
    properties = ps;
    const list = $("#curate-props-list");
    for (const p of ps) list.append(el("option", {value: p.name}, `${p.label} (${p.kind})`));
  });
  const classes = $("#curate-classes");
  for (const c of page.classes || []) classes.append(el("option", {value: c}));
  render();
})();
