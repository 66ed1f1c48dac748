import { isIP } from 'node:net';
import { AppError } from '../../core/errors.js';

export interface ListenAddress {
  host: string;
  port: number;
  /** As a URL's host: `[v6]:port` or `v4:port`. */
  authority: string;
  everyInterface: boolean;
}

const bad = (listen: string, why: string): AppError =>
  new AppError(
    'INVALID_INPUT',
    `--listen ${listen}: ${why}. Give ADDR:PORT, e.g. 192.168.1.5:8443 or [fd7a::1]:8443.`,
    {
      issues: [{ path: 'listen', message: why }],
    },
  );

/** The address with the port the system gave (`:0` asks for any free one). */
export function withPort(a: ListenAddress, port: number): ListenAddress {
  return { ...a, port, authority: a.authority.replace(/:\d+$/, `:${port}`) };
}

/**
 * `ADDR:PORT` (PORT 0: any free port, another at each start) with ADDR an IP literal (a name would bind to whatever it resolves to today). Every
 * interface (0.0.0.0, ::) only when asked in so many words.
 */
export function parseListen(listen: string, everyInterface = false): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen);
  const host = m?.[1] ?? m?.[2];
  if (!m?.[3] || host === undefined) throw bad(listen, 'not ADDR:PORT');
  const version = isIP(host);
  if (version === 0) throw bad(listen, `${host} is not an IP address`);
  if (m[1] !== undefined && version !== 6) throw bad(listen, 'brackets are for IPv6 addresses');
  const port = Number(m[3]);
  if (port > 65_535) throw bad(listen, 'the port is out of range');
  const any = host === '0.0.0.0' || host === '::';
  if (any && !everyInterface)
    throw bad(listen, 'that is every interface (other networks too); pass --every-interface if you mean it');
  return {
    host,
    port,
    authority: version === 6 ? `[${host}]:${port}` : `${host}:${port}`,
    everyInterface: any,
  };
}
