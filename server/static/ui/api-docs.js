// /docs: Swagger UI on this service's OpenAPI description. A file, not an inline script,
// so the page keeps the `script-src 'self'` policy; no validator badge (it would fetch
// validator.swagger.io).
"use strict";

// Swagger UI draws each path as a link inside the button that opens its operation (a
// link inside a button: two controls in one, which screen readers and axe's
// nested-interactive rule reject). The path is drawn as text; with deepLinking the
// address still names the open operation and tag, and opening one from the address works.
function PlainDeepLinks(system) {
  return {
    components: {
      DeepLink: function (props) {
        return system.React.createElement("span", null, props.text);
      },
    },
  };
}

// Swagger UI's fields of "Try it out" have no label: a parameter's select or input is
// named by its parameter (the row's data-param-name), the request body by the page's text.
function labelFields(root) {
  root.querySelectorAll("select, textarea, input").forEach(function (field) {
    if (field.getAttribute("aria-label") || field.labels.length) return;
    var row = field.closest("[data-param-name]");
    if (row) {
      var label = root.dataset.labelParameter + " " + row.dataset.paramName;
      field.setAttribute("aria-label", label);
    } else if (field.classList.contains("body-param__text")) {
      field.setAttribute("aria-label", root.dataset.labelBody);
    }
  });
}

window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  new MutationObserver(function () {
    labelFields(root);
  }).observe(root, { childList: true, subtree: true });
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [PlainDeepLinks],
  });
});
