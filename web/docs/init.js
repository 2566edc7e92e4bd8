// Swagger UI over the box's own /openapi.json. A file of its own, not an inline script, so the page
// works under a `default-src 'self'` Content-Security-Policy. No validator badge: it would send the
// document to validator.swagger.io.
window.ui = window.SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  validatorUrl: null,
  deepLinking: true,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
