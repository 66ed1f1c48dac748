import { AppError, isAppError } from '../core/errors.js';
import type { WtpEnv } from './env.js';

/** Where the API port came from, how to choose another, and the commands that show who holds it. */
export function portInUseHelp(port: number, o: { env: WtpEnv; configFile: string }) {
  const fromEnv = o.env.apiPort !== undefined;
  return {
    from: fromEnv ? 'WTP_API_PORT' : `api.port in ${o.configFile}`,
    choose: `Choose another with ${fromEnv ? `WTP_API_PORT=<port> (it overrides api.port in ${o.configFile})` : `api.port in ${o.configFile} or WTP_API_PORT=<port>`}: 0 picks any free port, and api.tcp: false serves the unix socket only.`,
    whoHolds: [`ss -ltnp 'sport = :${port}'`, `lsof -nP -iTCP:${port} -sTCP:LISTEN`],
  };
}

/** PORT_IN_USE from the API server, with the next step (`portInUseHelp`). */
export function explainPortInUse(err: unknown, o: { env: WtpEnv; configFile: string }): unknown {
  if (!isAppError(err) || err.code !== 'PORT_IN_USE') return err;
  const port = Number(err.details?.port);
  const h = portInUseHelp(port, o);
  return new AppError(
    'PORT_IN_USE',
    `Port ${port} on 127.0.0.1 is in use by another program (the port comes from ${h.from}). ${h.choose} To see who holds it: \`${h.whoHolds[0]}\` (or \`${h.whoHolds[1]}\`).`,
    {
      port,
      from: o.env.apiPort !== undefined ? 'WTP_API_PORT' : 'api.port',
      configFile: o.configFile,
      whoHolds: h.whoHolds,
    },
    { cause: err },
  );
}
