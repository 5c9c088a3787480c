// /docs: Swagger UI on this service's OpenAPI description. A file, not an inline script,
// so the page keeps the `script-src 'self'` policy; no validator badge (it would fetch
// validator.swagger.io).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
  });
});
