import { pairRedeemRequestSchema } from '../../protocol/remote.js';
import { invalidInput } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import { zodIssues } from '../../protocol/zod-issues.js';
import type { RemoteService } from '../remote/remote-service.js';
import { deviceCookie } from '../remote/remote-gate.js';
import { PAIR_PAGE, PAIR_SCRIPT } from '../remote/pair-page.js';
import { RawBody, type HttpApp, type HttpRequest } from '../server/http-app.js';
import { dashboardHeaders } from './dashboard-pages.js';
import { registerRoute } from './register-route.js';

const NO_STORE = { ...dashboardHeaders(null), 'cache-control': 'no-store' };

/** Pushes are a paired device's own: asked of anything else, they are refused. */
function aDevice(device: string | undefined, route: string): string {
  if (device === undefined) throw appError('REMOTE_FORBIDDEN', { reason: 'not-a-device', route });
  return device;
}

/** The pairing paths exist on the remote listener only. */
function onlyRemote(req: HttpRequest): NonNullable<HttpRequest['remote']> {
  if (!req.remote) throw appError('NOT_FOUND', { method: req.method, path: req.path });
  return req.remote;
}

/**
 * `wtp remote`'s routes (local only: a device is refused them by the gate), and on the remote
 * listener the pairing page, its form's endpoint and the local CA's root.
 */
export function registerRemoteRoutes(app: HttpApp, remote: RemoteService): void {
  registerRoute(app, 'remoteStatus', () => remote.status());
  registerRoute(app, 'remoteOn', ({ body }) => remote.on(body));
  registerRoute(app, 'remoteOff', () => remote.off());
  registerRoute(app, 'remotePair', () => remote.pair());
  registerRoute(app, 'remoteDevices', () => ({ devices: remote.list() }));
  registerRoute(app, 'remoteRevoke', ({ params }) => remote.revoke(params.name));
  registerRoute(app, 'pushSettings', (_input, { device }) =>
    remote.pushes.settings(aDevice(device, 'pushSettings')),
  );
  registerRoute(app, 'pushSubscribe', ({ body }, { device }) =>
    remote.pushes.subscribe(aDevice(device, 'pushSubscribe'), { ...body }),
  );
  registerRoute(app, 'pushUnsubscribe', (_input, { device }) =>
    remote.pushes.subscribe(aDevice(device, 'pushUnsubscribe'), null),
  );

  app.route('GET', '/remote/pair', (req) => {
    onlyRemote(req);
    return new RawBody(PAIR_PAGE, 'text/html; charset=utf-8', 200, NO_STORE);
  });
  app.route('GET', '/remote/pair.js', (req) => {
    onlyRemote(req);
    return new RawBody(PAIR_SCRIPT, 'text/javascript; charset=utf-8', 200, NO_STORE);
  });
  app.route('GET', '/remote/ca.crt', (req) => {
    onlyRemote(req);
    const pem = remote.caRoot();
    if (pem === null) throw appError('NOT_FOUND', {});
    return new RawBody(pem, 'application/x-x509-ca-cert', 200, {
      'content-disposition': 'attachment; filename="wezterm-parallel-ca.crt"',
    });
  });
  app.route('POST', '/remote/pair', async (req) => {
    const from = onlyRemote(req);
    const parsed = pairRedeemRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidInput(zodIssues(parsed.error, 'body'));
    const ua = req.headers['user-agent'];
    const made = await remote.redeem(parsed.data, {
      address: from.address,
      userAgent: typeof ua === 'string' ? ua : null,
    });
    return new RawBody(JSON.stringify({ device: made.device }), 'application/json; charset=utf-8', 200, {
      ...NO_STORE,
      'set-cookie': deviceCookie(made.credential),
    });
  });
}
