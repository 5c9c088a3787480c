// The neighbourhood picture of a resource page, drawn with cytoscape (served from
// /static/vendor/cytoscape/, never a CDN). The page lists the same links as text right
// below the picture, so the picture is only an aid: the canvas is role="img" with a label.
//
// Readable at any number of neighbours: one compound node per property and direction
// ("has member (14)"), laid out by this script (no force layout, no zooming out) as a
// tree: the resource at the top left, the groups stacked below it, each group's
// neighbours in a grid of fixed cells whose labels are cut to the cell, so no two labels
// overlap and the text keeps its size. Large groups start closed; the buttons above the
// picture (keyboard) or a click on a group open and close them; a click on a neighbour
// opens its page. The canvas grows to the height the open groups need.
(function () {
  "use strict";
  var holder = document.getElementById("neighbourhood");
  var source = document.getElementById("neighbourhood-data");
  if (!holder || !source || typeof window.cytoscape !== "function") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var CELL = 210, ROW = 26, LABEL = 20, PAD = 10, GAP = 16, INDENT = 64, TOP = 46;
  var OPEN_ALL_UP_TO = 20, OPEN_GROUP_UP_TO = 6;
  var total = 0;
  data.groups.forEach(function (g) { total += g.members.length; });
  var open = {};
  data.groups.forEach(function (g) {
    open[g.key] = total <= OPEN_ALL_UP_TO || g.members.length <= OPEN_GROUP_UP_TO;
  });

  var cy = window.cytoscape({
    container: holder,
    elements: [],
    userZoomingEnabled: false,
    userPanningEnabled: false,
    boxSelectionEnabled: false,
    autoungrabify: true,
    style: [
      {
        selector: "node.member",
        style: {
          label: "data(label)", "font-size": 11, color: "#1b1b1b",
          "text-halign": "right", "text-valign": "center", "text-margin-x": 5,
          "text-wrap": "ellipsis", "text-max-width": CELL - 34,
          "background-color": "#2f6f9f", width: 10, height: 10
        }
      },
      { selector: "node.member.inferred", style: { "background-color": "#fff", "border-width": 2, "border-color": "#2f6f9f" } },
      {
        selector: "node.center",
        style: {
          label: "data(label)", "font-size": 13, "font-weight": "bold", color: "#1b1b1b",
          "text-halign": "right", "text-valign": "center", "text-margin-x": 8,
          "text-wrap": "ellipsis", "text-max-width": 600,
          "background-color": "#b3461d", width: 22, height: 22
        }
      },
      {
        selector: "node.group",
        style: {
          label: "data(label)", "font-size": 11, "font-weight": "bold", color: "#0b4f8a",
          "text-valign": "top", "text-halign": "center", "text-margin-y": -3,
          "text-wrap": "ellipsis", "text-max-width": CELL - 10,
          shape: "round-rectangle", "background-color": "#f2f4f7", "background-opacity": 1,
          "border-width": 1, "border-color": "#9aa7b5", padding: PAD,
          "min-width": CELL - 2 * PAD, "min-height": 4,
          "min-width-bias-left": "0%", "min-width-bias-right": "100%"
        }
      },
      {
        selector: "node.group.closed",
        style: {
          "text-valign": "center", width: CELL, height: 26, padding: 0, "border-color": "#0b4f8a"
        }
      },
      {
        selector: "edge",
        style: {
          width: 1.2, "line-color": "#8a8a8a", "curve-style": "straight",
          "target-endpoint": "-50% 0%", "source-endpoint": "0% 50%",
          "target-arrow-shape": "triangle", "target-arrow-color": "#8a8a8a", "arrow-scale": 0.8
        }
      },
      {
        selector: "edge.incoming",
        style: {
          "target-arrow-shape": "none", "source-arrow-shape": "triangle",
          "source-arrow-color": "#8a8a8a"
        }
      },
      { selector: "edge.inferred", style: { "line-style": "dashed" } },
      { selector: "node.member.hover", style: { "font-weight": "bold" } }
    ]
  });

  function columns() {
    var width = holder.clientWidth || 600;
    return Math.max(1, Math.floor((width - INDENT - 2 * PAD - 8) / CELL));
  }

  function draw() {
    var cols = columns();
    var elements = [{ group: "nodes", data: { id: "center", label: data.center.label },
                      classes: "center", position: { x: 20, y: 20 } }];
    var y = TOP;
    data.groups.forEach(function (g) {
      var isOpen = open[g.key];
      var allInferred = g.members.every(function (m) { return m.inferred; });
      if (!isOpen) {
        elements.push({ group: "nodes", data: { id: g.key, label: g.label + " …", group: g.key },
                        classes: "group closed", position: { x: INDENT + CELL / 2, y: y + 13 } });
        y += 26 + GAP;
      } else {
        elements.push({ group: "nodes", data: { id: g.key, label: g.label, group: g.key },
                        classes: "group" });
        var top = y + LABEL + PAD;
        g.members.forEach(function (m, i) {
          var col = i % cols, row = Math.floor(i / cols);
          elements.push({
            group: "nodes",
            data: { id: g.key + ":" + i, label: m.label, href: m.href, parent: g.key },
            classes: "member" + (m.inferred ? " inferred" : ""),
            position: { x: INDENT + PAD + 6 + col * CELL, y: top + 6 + row * ROW }
          });
        });
        var rows = Math.ceil(g.members.length / cols);
        y = top + (rows - 1) * ROW + 12 + PAD + GAP;
      }
      elements.push({ group: "edges", data: { id: "e-" + g.key, source: "center", target: g.key },
                      classes: (g.incoming ? "incoming" : "") + (allInferred ? " inferred" : "") });
    });
    cy.elements().remove();
    cy.add(elements);
    cy.layout({ name: "preset", fit: false }).run();
    holder.style.height = Math.max(120, y + 10) + "px";
    cy.resize();
    cy.zoom(1);
    cy.pan({ x: 10, y: 10 });
    holder.setAttribute("data-drawn", String(cy.nodes(".member, .center").length));
    document.querySelectorAll(".neighbourhood-controls .group-toggle").forEach(function (b) {
      b.setAttribute("aria-expanded", open[b.getAttribute("data-group")] ? "true" : "false");
    });
  }

  function toggle(key, state) {
    open[key] = state === undefined ? !open[key] : state;
  }

  cy.on("tap", "node.group", function (event) {
    toggle(event.target.data("group"));
    draw();
  });
  cy.on("tap", "node.member", function (event) {
    var href = event.target.data("href");
    // the server sends links only for web addresses and our own pages; check again here
    if (href && /^(https?:\/\/|\/(?!\/))/i.test(href)) {
      window.location.href = href;
    }
  });
  cy.on("mouseover", "node.member, node.group", function (event) {
    event.target.addClass("hover");
    holder.style.cursor = "pointer";
  });
  cy.on("mouseout", "node", function (event) {
    event.target.removeClass("hover");
    holder.style.cursor = "";
  });

  var controls = document.querySelector(".neighbourhood-controls");
  if (controls) {
    controls.hidden = false;
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) {
        return;
      }
      var all = button.getAttribute("data-all");
      if (all) {
        data.groups.forEach(function (g) { toggle(g.key, all === "open"); });
      } else {
        toggle(button.getAttribute("data-group"));
      }
      draw();
    });
  }
  var lastWidth = holder.clientWidth;
  window.addEventListener("resize", function () {
    if (holder.clientWidth !== lastWidth) {
      lastWidth = holder.clientWidth;
      draw();
    }
  });
  // for the browser tests: cytoscape's own API (bounding boxes of nodes and labels)
  holder.cytoscape = cy;
  draw();
})();
