import { request } from 'node:http';
import { isAppError } from '../core/errors.js';
import { appError } from '../protocol/error-messages.js';
import type { WtpEnv } from './env.js';

/** Where the API port came from: `wtp up --port`, WTP_API_PORT or the config. */
type PortSource = '--port' | undefined;

/** Where the API port came from, how to choose another, and the commands that show who holds it. */
export function portInUseHelp(port: number, o: { env: WtpEnv; configFile: string; from?: PortSource }) {
  const fromEnv = o.env.apiPort !== undefined;
  const from =
    o.from === '--port' ? 'wtp up --port' : fromEnv ? 'WTP_API_PORT' : `api.port in ${o.configFile}`;
  return {
    from,
    choose: `Choose another with \`wtp up --port <port>\`, ${fromEnv ? `WTP_API_PORT=<port> (it overrides api.port in ${o.configFile})` : `api.port in ${o.configFile} or WTP_API_PORT=<port>`}: 0 picks any free port, and api.tcp: false serves the unix socket only.`,
    whoHolds: [`ss -ltnp 'sport = :${port}'`, `lsof -nP -iTCP:${port} -sTCP:LISTEN`],
  };
}

/** How long the holder of a port is given to say what it is. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether what listens on 127.0.0.1:`port` is a wezterm-parallel daemon: its API answers
 * `/api/v1/health` with its own JSON (its health, or its refusal of a request without the token).
 */
export function holderIsDaemon(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/api/v1/health', method: 'GET', timeout: PROBE_TIMEOUT_MS },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (body.length < 4096) body += d;
        });
        res.on('end', () => {
          try {
            const doc = JSON.parse(body) as { ok?: unknown; version?: unknown; code?: unknown };
            const code = doc.code;
            resolve(
              (doc.ok === true && typeof doc.version === 'string') ||
                code === 'UNAUTHORIZED' ||
                code === 'FORBIDDEN_ORIGIN',
            );
          } catch {
            resolve(false);
          }
        });
        res.on('error', () => resolve(false));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** PORT_IN_USE from the API server, with who holds the port and the next step (`portInUseHelp`). */
export async function explainPortInUse(
  err: unknown,
  o: { env: WtpEnv; configFile: string; from?: PortSource },
): Promise<unknown> {
  if (!isAppError(err) || err.code !== 'PORT_IN_USE') return err;
  const port = Number(err.details?.port);
  const h = portInUseHelp(port, o);
  const daemon = await holderIsDaemon(port);
  return appError(
    'PORT_IN_USE',
    {
      port,
      host: '127.0.0.1',
      from: o.from ?? (o.env.apiPort !== undefined ? 'WTP_API_PORT' : 'api.port'),
      source: h.from,
      configFile: o.configFile,
      whoHolds: h.whoHolds,
      heldByDaemon: daemon,
      ...(daemon ? { stop: 'wtp down' } : {}),
    },
    { cause: err },
  );
}
