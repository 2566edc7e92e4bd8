// The security headers of what the browser gets from erpbi: the workspace, its static files, the API
// docs page (/docs) and the API (/function/...). One source of the values: `npm start`'s gateway sets
// them (gateway/gateway.ts); on the Pi Traefik's `security-headers` middleware sets them
// (compose/traefik/dynamic.yml), in the container test the nginx stand-in for Traefik
// (tests/containers/front-door.conf). Neither file can import this one: tests/deploy/security-headers.test.ts
// checks that both say exactly this. The sign-in pages are the issuer's own (Keycloak, or the dev
// issuer's page at /issuer), with their own policy.
//
// - Content-Security-Policy: scripts, styles, fonts, frames and workers from the box's own origin
//   only, no inline script, no <style> element (the workspace and the docs page have none); the
//   browser talks to the box and to the OIDC issuer (discovery and the token exchange, connect-src)
//   and nothing else (blob: is no connection: the page's own PDFs, tests/ui/workspace.test.ts reads
//   the one it opened back; a page can read only blobs its own origin made); images also as data: URLs (Swagger UI's icons in swagger-ui.css); no plugins,
//   no <base>, never framed (clickjacking), forms post to the box or the issuer only.
//   One exception, style attributes (style-src-attr 'unsafe-inline', not style-src): ECharts draws
//   the dashboard on a canvas and styles its own elements through the CSSOM (el.style, which CSP does
//   not govern), but its HTML tooltip is markup with style="" attributes set through innerHTML, which
//   CSP blocks: on hovering a chart, Chromium logged a violation per attribute and the tooltip lost its
//   layout. A style attribute styles its own element only (no selectors, so no CSS exfiltration of
//   attribute values); <style> and stylesheets from elsewhere stay refused. With the tooltips drawn
//   on the canvas (ECharts' tooltip.renderMode 'richText', web/src/dashboard/panels.ts) the
//   exception could go.
// - X-Frame-Options: DENY, frame-ancestors' counterpart for browsers that predate it.
// - X-Content-Type-Options: nosniff: a script or a style only with its own type (the gateway and
//   nginx type every file they serve).
// - Referrer-Policy: no-referrer. The workspace's URLs carry record ids, and the page the issuer sends
//   back to carries the authorization code in its query: nothing of them goes to another site, nor
//   even the origin. Nothing of erpbi reads the Referer, and the issuer needs none.
// - Strict-Transport-Security: on the Pi only (HTTPS), one year, without includeSubDomains (the
//   firm's domain may have other hosts, not ours) and without preload. `npm start` serves plain HTTP
//   on 127.0.0.1: browsers ignore the header over HTTP and never apply it to an IP address, and sent
//   to `localhost` over some HTTPS proxy it would force HTTPS on every other local port: not sent.

/** The Content-Security-Policy, with the OIDC issuer's origin (undefined: the box's own issuer). */
export function contentSecurityPolicy(issuerOrigin?: string): string {
  const issuer = issuerOrigin ? ` ${issuerOrigin}` : '';
  return [
    "default-src 'self'",
    `connect-src 'self' blob:${issuer}`,
    "img-src 'self' data:",
    "style-src-attr 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    `form-action 'self'${issuer}`,
  ].join('; ');
}

export const stsSeconds = 365 * 24 * 3600;
export const referrerPolicy = 'no-referrer';

/** The headers, by lower-case name; `https` adds Strict-Transport-Security (the Pi's front door). */
export function securityHeaders(opts: { issuer?: string | undefined; https: boolean }): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(opts.issuer === undefined ? undefined : new URL(opts.issuer).origin),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': referrerPolicy,
    ...(opts.https ? { 'strict-transport-security': `max-age=${stsSeconds}` } : {}),
  };
}
