import { appError } from '../../protocol/error-messages.js';
import { LINK_TTL_MS, sessionCookie, type DashboardAuth } from '../server/dashboard-auth.js';
import { dashboardHeaders, LOGIN_REFUSED_PAGE } from './dashboard-pages.js';
import { RawBody, type HttpApp } from '../server/http-app.js';
import { registerRoute } from './register-route.js';
import { dashboardBuilt, dashboardFile } from './static-files.js';

export interface DashboardDeps {
  auth: DashboardAuth;
  /** The built SPA (dist/web unless WTP_WEB_DIR). */
  webDir: string;
  tcpPort: () => number | null;
}

/**
 * The web dashboard: the one-time link (an API call, authenticated like any other), the
 * sign-in that trades it for a session cookie, and the SPA's static files under /dashboard/.
 */
export function registerDashboardRoutes(app: HttpApp, d: DashboardDeps): void {
  registerRoute(app, 'dashboardLink', () => {
    const port = d.tcpPort();
    if (port === null) {
      throw appError('DASHBOARD_UNAVAILABLE', { reason: 'no-tcp' });
    }
    if (!dashboardBuilt(d.webDir)) {
      throw appError('DASHBOARD_UNAVAILABLE', { reason: 'not-built', webDir: d.webDir });
    }
    const { code, expiresAt } = d.auth.issueCode();
    return {
      url: `http://127.0.0.1:${port}/dashboard/login?code=${code}`,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  });

  app.route('GET', '/dashboard/login', (req) => {
    const port = d.tcpPort();
    const headers = { ...dashboardHeaders(port), 'cache-control': 'no-store' };
    const session = port === null ? null : d.auth.redeem(req.query.code ?? '', port);
    if (session === null) {
      // A browser gets a page; scripts (Accept without text/html) the usual error body.
      if (!/\btext\/html\b/.test(req.headers.accept ?? '')) {
        throw appError('UNAUTHORIZED', { seconds: LINK_TTL_MS / 1000 });
      }
      return new RawBody(LOGIN_REFUSED_PAGE, 'text/html; charset=utf-8', 401, headers);
    }
    return new RawBody('', 'text/plain; charset=utf-8', 303, {
      ...headers,
      location: '/dashboard/',
      'set-cookie': sessionCookie(port ?? 0, session.sessionId, session.maxAgeSeconds),
    });
  });
  app.route(
    'GET',
    '/dashboard',
    () => new RawBody('', 'text/plain; charset=utf-8', 308, { location: '/dashboard/' }),
  );
  app.route('GET', '/dashboard/*', (req) => dashboardFile(d.webDir, req.params['*'] ?? '', d.tcpPort()));
}
