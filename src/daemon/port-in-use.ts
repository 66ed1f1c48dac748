import type { WtpEnv } from '../config/env.js';
import { AppError, isAppError } from '../core/errors.js';

/**
 * PORT_IN_USE with the next step: which setting chose the port (WTP_API_PORT or `api.port` in the
 * config file), how to choose another, and how to see which program holds it.
 */
export function explainPortInUse(err: unknown, o: { env: WtpEnv; configFile: string }): unknown {
  if (!isAppError(err) || err.code !== 'PORT_IN_USE') return err;
  const port = Number(err.details?.port);
  const fromEnv = o.env.apiPort !== undefined;
  const whoHolds = [`ss -ltnp 'sport = :${port}'`, `lsof -nP -iTCP:${port} -sTCP:LISTEN`];
  const from = fromEnv ? 'WTP_API_PORT' : `api.port in ${o.configFile}`;
  const choose = fromEnv
    ? `WTP_API_PORT=<port> (it overrides api.port in ${o.configFile})`
    : `api.port in ${o.configFile} or WTP_API_PORT=<port>`;
  return new AppError(
    'PORT_IN_USE',
    `Port ${port} on 127.0.0.1 is in use by another program (the port comes from ${from}). Choose another with ${choose}: 0 picks any free port, and api.tcp: false serves the unix socket only. To see who holds it: \`${whoHolds[0]}\` (or \`${whoHolds[1]}\`).`,
    { port, from: fromEnv ? 'WTP_API_PORT' : 'api.port', configFile: o.configFile, whoHolds },
    { cause: err },
  );
}
