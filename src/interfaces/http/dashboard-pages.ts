/**
 * Headers of everything under /dashboard/: a strict CSP (scripts, styles, fonts and images
 * from the daemon only; WebSockets to the daemon's own port; no framing), no sniffing, and
 * no Referer (a sign-in URL never leaks to another site).
 */
export function dashboardHeaders(port: number | null): Record<string, string> {
  const ws = port === null ? '' : ` ws://127.0.0.1:${port} ws://localhost:${port}`;
  return {
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self'${ws}`,
      "img-src 'self' data:",
      "style-src 'self' 'unsafe-inline'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/** A small self-contained HTML page (no scripts) for messages the browser shows. */
export function messagePage(title: string, paragraphs: string[]): string {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · wezterm-parallel</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}code{background:#eee;padding:0 .3em;border-radius:3px}</style>
</head>
<body>
<h1>${title}</h1>
${body}
</body>
</html>
`;
}

export const LOGIN_REFUSED_PAGE = messagePage('Sign-in link not valid', [
  'This dashboard link is invalid, already used or expired: each link works once, for 60 seconds.',
  'Run <code>wtp dashboard</code> again (or <code>wtp dashboard --print-url</code> to get a new link).',
]);

export const NOT_BUILT_PAGE = messagePage('The dashboard was not built', [
  'The daemon serves the dashboard from <code>dist/web</code>, which is missing here.',
  'Run <code>npm run build</code> in the wezterm-parallel checkout, then reload this page.',
]);
