// The home page's map and charts, from the figures the server put in #home-data (all from
// the store). The map is d3-geo over the outline in /static/vendor/world-atlas/ (Natural
// Earth, cut by server/assets.py); the charts are Chart.js. Both are aids: the same facts
// are links and lists on the page, so the pictures are role="img" with a label and their
// links are not extra tab stops.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("home-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function drawMap(holder, outline) {
    var width = 600, height = 540;
    var denmark = outline.features.filter(function (f) { return f.id === "208"; })[0];
    if (!denmark) { return; }
    var projection = window.d3.geoMercator().fitExtent([[20, 20], [width - 20, height - 20]], denmark);
    var path = window.d3.geoPath(projection);
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, "aria-hidden": "true", focusable: "false" });
    outline.features.forEach(function (f) {
      el("path", { d: path(f), "class": f.id === "208" ? "land" : "land neighbour" }, svg);
    });
    data.points.forEach(function (p) {
      var xy = projection([p.lon, p.lat]);
      var link = el("a", { href: p.href, tabindex: "-1" }, svg);
      el("title", {}, link).textContent = p.label;
      el("circle", { cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: 7 }, link);
      var label = el("text", { x: (xy[0] + 10).toFixed(1), y: (xy[1] + 4).toFixed(1) }, link);
      label.textContent = p.label.replace(/ Kommune$| Municipality$/, "");
    });
    holder.appendChild(svg);
    holder.setAttribute("data-drawn", String(data.points.length));
  }

  var holder = document.getElementById("map");
  if (holder && window.d3 && window.d3.geoMercator) {
    fetch("/static/vendor/world-atlas/nordic-50m.geojson")
      .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error(r.statusText)); })
      .then(function (outline) { drawMap(holder, outline); })
      .catch(function () { holder.setAttribute("data-drawn", "0"); });
  }

  if (typeof window.Chart !== "function") { return; }
  var words = data.words;
  var ink = "#1b1b1b";
  window.Chart.defaults.color = ink;
  window.Chart.defaults.font.family = "system-ui, sans-serif";

  var timeline = document.getElementById("timeline-chart");
  if (timeline && data.timeline.length) {
    var years = {};
    data.timeline.forEach(function (d) {
      var year = d.date.slice(0, 4);
      years[year] = years[year] || { publication: 0, event: 0 };
      years[year][d.kind] += 1;
    });
    var first = Math.min.apply(null, Object.keys(years).map(Number));
    var last = Math.max.apply(null, Object.keys(years).map(Number));
    var labels = [];
    for (var y = first; y <= last; y += 1) { labels.push(String(y)); }
    new window.Chart(timeline, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          { label: words.chart_publications, backgroundColor: "#1d5f8c",
            data: labels.map(function (l) { return years[l] ? years[l].publication : 0; }) },
          { label: words.chart_events, backgroundColor: "#c0661c",
            data: labels.map(function (l) { return years[l] ? years[l].event : 0; }) }
        ]
      },
      options: { maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } } }
    });
    timeline.setAttribute("data-drawn", String(data.timeline.length));
  }

  var models = document.getElementById("models-chart");
  if (models && data.models.length) {
    new window.Chart(models, {
      type: "bar",
      data: {
        labels: data.models.map(function (m) { return m.label; }),
        datasets: [
          { label: words.chart_partnerships, backgroundColor: "#1d5f8c",
            data: data.models.map(function (m) { return m.partnerships; }) },
          { label: words.chart_bases, backgroundColor: "#6b4c9a",
            data: data.models.map(function (m) { return m.bases; }) }
        ]
      },
      options: { indexAxis: "y", maintainAspectRatio: false, animation: false,
        scales: { x: { ticks: { precision: 0 } } } }
    });
    models.setAttribute("data-drawn", String(data.models.length));
  }
})();
