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
          label: "data(label)", "font-size": 8, color: "#444", "text-rotation": "autorotate",
          "text-background-color": "#fff", "text-background-opacity": 0.8
        }
      },
      { selector: "edge.inferred", style: { "line-style": "dashed" } }
    ],
    layout: {
      name: "concentric",
      concentric: function (node) { return node.data("current") ? 2 : 1; },
      levelWidth: function () { return 1; },
      minNodeSpacing: 30,
      animate: false
    }
  });
  cy.on("tap", "node", function (event) {
    var href = event.target.data("href");
    if (href) {
      window.location.href = href;
    }
  });
  holder.setAttribute("data-drawn", String(cy.nodes().length));
})();
