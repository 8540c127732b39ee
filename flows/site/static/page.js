// Incident table of a release page: renders the embedded JSON with DOM calls only (no innerHTML),
// filters by text, category, force, country and year (first reported when the date is unknown), and fills each row's evidence when it is opened.
(function () {
  "use strict";
  var PAGE = 200;
  var data = JSON.parse(document.getElementById("incident-data").textContent);
  var tbody = document.getElementById("incident-rows");
  var status = document.getElementById("status");
  var more = document.getElementById("more");
  var q = document.getElementById("q");
  var category = document.getElementById("category");
  var force = document.getElementById("force");
  var year = document.getElementById("year");
  var country = document.getElementById("country");
  var limit = PAGE;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function norm(s) { return String(s).toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, ""); }
  function label(code) { return code.replace(/_/g, " "); }
  function tags(cell, values) {
    values.forEach(function (v) { cell.appendChild(el("span", { "class": "tag" }, v)); });
    if (!values.length) { cell.appendChild(el("span", { "class": "source" }, "none named")); }
  }

  data.forEach(function (r) {
    r.hay = norm([r.id, r.t, r.l, r.k, r.rg, r.o, r.a].concat(r.c.map(label), r.f, r.sj, r.of,
      r.e.map(function (e) { return e.q + " " + e.s; })).join(" \u0001 "));
  });

  function fillEvidence(details, r) {
    var list = el("ol");
    r.e.forEach(function (e) {
      var li = el("li");
      li.appendChild(el("blockquote", null, e.q));
      var src = el("div", { "class": "source" });
      src.appendChild(document.createTextNode("Source: "));
      if (e.u) {
        src.appendChild(el("a", { href: e.u, rel: "noopener noreferrer nofollow", target: "_blank" }, e.s));
      } else {
        src.appendChild(el("span", null, e.s + (e.p && e.p !== e.s ? " (" + e.p + ")" : "")));
      }
      if (e.d) { src.appendChild(document.createTextNode(", " + e.d)); }
      li.appendChild(src);
      if (e.r) { li.appendChild(el("div", { "class": "redacted" }, "Protected names removed from this quote.")); }
      list.appendChild(li);
    });
    details.appendChild(list);
  }

  function buildRow(r) {
    var tr = el("tr");
    tr.appendChild(el("td", { "data-label": "Date" }, r.d));
    var main = el("td", { "data-label": "Incident" });
    main.appendChild(el("div", { "class": "title" }, r.t));
    var facts = [];
    if (r.l) { facts.push("Where: " + r.l); }
    if (r.sj.length) { facts.push("Subjects: " + r.sj.join(", ")); }
    if (r.of.length) { facts.push("Officers: " + r.of.join(", ")); }
    if (facts.length) { main.appendChild(el("div", { "class": "source" }, facts.join(" · "))); }
    main.appendChild(el("div", { "class": "id" }, r.id));
    var details = el("details", { "class": "evidence" });
    details.appendChild(el("summary", null, "Evidence (" + r.e.length + " quote" + (r.e.length === 1 ? "" : "s") + ")"));
    details.addEventListener("toggle", function () {
      if (details.open && details.children.length === 1) { fillEvidence(details, r); }
    });
    main.appendChild(details);
    tr.appendChild(main);
    var cats = el("td", { "data-label": "Categories" });
    tags(cats, r.c.map(label));
    tr.appendChild(cats);
    var forces = el("td", { "data-label": "Forces" });
    tags(forces, r.f);
    tr.appendChild(forces);
    tr.appendChild(el("td", { "data-label": "Outcome" }, r.o ? label(r.o) : "none reported"));
    tr.appendChild(el("td", { "data-label": "Status", "class": "status-" + r.a }, r.a));
    tr.appendChild(el("td", { "data-label": "Sources", "class": "num" }, r.n));
    return tr;
  }

  function matches(r, words) {
    if (category.value && r.c.indexOf(category.value) < 0) { return false; }
    if (force.value && r.f.indexOf(force.value) < 0) { return false; }
    if (year.value && (r.y || "unknown") !== year.value) { return false; }
    if (country.value && (r.k || "unknown") !== country.value) { return false; }
    for (var i = 0; i < words.length; i++) { if (r.hay.indexOf(words[i]) < 0) { return false; } }
    return true;
  }

  function render() {
    var words = norm(q.value).split(/\s+/).filter(Boolean);
    var hits = data.filter(function (r) { return matches(r, words); });
    var frag = document.createDocumentFragment();
    hits.slice(0, limit).forEach(function (r) {
      if (!r.row) { r.row = buildRow(r); }
      frag.appendChild(r.row);
    });
    tbody.replaceChildren(frag);
    var shown = Math.min(limit, hits.length);
    status.textContent = hits.length === data.length
      ? "Showing " + shown + " of " + data.length + " incidents."
      : hits.length + " of " + data.length + " incidents match" + (shown < hits.length ? "; showing the first " + shown : "") + ".";
    more.hidden = shown >= hits.length;
    more.textContent = "Show " + Math.min(PAGE, hits.length - shown) + " more";
  }

  function refilter() { limit = PAGE; render(); }
  q.addEventListener("input", refilter);
  [category, force, country, year].forEach(function (s) { s.addEventListener("change", refilter); });
  document.getElementById("reset").addEventListener("click", function () { setTimeout(refilter, 0); });
  more.addEventListener("click", function () { limit += PAGE; render(); });
  render();
}());
