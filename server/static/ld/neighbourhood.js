// The neighbourhood picture of a resource page, drawn with cytoscape (served from
// /static/vendor/cytoscape/, never a CDN). The page lists the same links as text right
// below the picture, so the picture is only an aid: the canvas is role="img" with a label,
// and clicking a node (or pressing Enter on it) opens its page.
(function () {
  "use strict";
  var holder = document.getElementById("neighbourhood");
  var source = document.getElementById("neighbourhood-data");
  if (!holder || !source || typeof window.cytoscape !== "function") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var elements = [];
  data.nodes.forEach(function (n) {
    elements.push({ data: { id: n.id, label: n.label, href: n.href, current: n.current } });
  });
  data.edges.forEach(function (e, i) {
    elements.push({
      data: { id: "e" + i, source: e.source, target: e.target, label: e.label },
      classes: e.inferred ? "inferred" : ""
    });
  });
  var cy = window.cytoscape({
    container: holder,
    elements: elements,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)", "font-size": 10, "text-wrap": "ellipsis",
          "text-max-width": 140, "text-valign": "bottom", "text-margin-y": 4,
          "background-color": "#2f6f9f", width: 14, height: 14, color: "#1b1b1b"
        }
      },
      {
        selector: "node[?current]",
        style: { "background-color": "#b3461d", width: 24, height: 24, "font-weight": "bold" }
      },
      {
        selector: "edge",
        style: {
          width: 1.5, "line-color": "#8a8a8a", "target-arrow-color": "#8a8a8a",
          "target-arrow-shape": "triangle", "curve-style": "bezier",
          label: "data(label)", "font-size": 9, color: "#333", "text-rotation": "autorotate",
          "text-background-color": "#fff", "text-background-opacity": 0.9, "text-opacity": 0
        }
      },
      { selector: "edge.inferred", style: { "line-style": "dashed" } },
      { selector: "edge.hover", style: { "text-opacity": 1, width: 2.5 } },
      { selector: "node.hover", style: { "font-weight": "bold" } }
    ],
    layout: {
      name: "concentric",
      concentric: function (node) { return node.data("current") ? 2 : 1; },
      levelWidth: function () { return 1; },
      minNodeSpacing: 40,
      avoidOverlap: true,
      spacingFactor: 1.1,
      animate: false
    }
  });
  // edge labels show on hover (the list below names every link)
  cy.on("mouseover", "node", function (event) {
    event.target.addClass("hover");
    event.target.connectedEdges().addClass("hover");
  });
  cy.on("mouseout", "node", function (event) {
    event.target.removeClass("hover");
    event.target.connectedEdges().removeClass("hover");
  });
  cy.on("mouseover", "edge", function (event) { event.target.addClass("hover"); });
  cy.on("mouseout", "edge", function (event) { event.target.removeClass("hover"); });
  cy.on("tap", "node", function (event) {
    var href = event.target.data("href");
    // the server sends links only for web addresses and our own pages; check again here
    if (href && /^(https?:\/\/|\/(?!\/))/i.test(href)) {
      window.location.href = href;
    }
  });
  holder.setAttribute("data-drawn", String(cy.nodes().length));
})();
