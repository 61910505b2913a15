// Security headers (@fastify/helmet, issue 17 §4) on every page the server renders: the dashboard (its pages,
// sign-in and error pages) and the local web chat. Registered in those scopes only — the platform callbacks
// and the admin API answer machines, not browsers. The CSP is what the pages need and no more: scripts from
// this server only (the chat's script is /local/chat.js, the dashboard has none), styles from the page itself
// (a <style> block and the inline SVG charts' style attributes), images from here or data: URLs, no plugins,
// no framing by other sites. No upgrade-insecure-requests and HSTS only behind https: the local chat and a
// plain-http install must keep working.
import type { FastifyHelmetOptions } from '@fastify/helmet';

export function securityHeaders(publicUrl: string | undefined): FastifyHelmetOptions {
  const https = publicUrl?.startsWith('https://') === true;
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
      },
    },
    hsts: https ? { maxAge: 180 * 24 * 3_600, includeSubDomains: false } : false,
    // The dashboard already sends its own no-referrer meta; the header says the same for every page.
    referrerPolicy: { policy: 'no-referrer' },
  };
}
