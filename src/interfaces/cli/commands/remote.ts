import type { Command } from 'commander';
import { resolve } from 'node:path';
import { renderUnicodeCompact } from 'uqr';
import type { RemoteStatus } from '../../../protocol/remote.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';

const when = (iso: string | null): string => (iso === null ? 'never' : iso.slice(0, 19).replace('T', ' '));

function status(ctx: CliContext, s: RemoteStatus): void {
  if (!s.on) {
    ctx.line(
      s.listen === null
        ? 'remote: off'
        : `remote: off (turned on for ${s.listen}, not serving: ${s.error ?? 'stopped'})`,
    );
    if (s.listen === null)
      ctx.line('Turn it on: wtp remote on --listen ADDR:PORT (a LAN or tailnet address of this machine)');
    return;
  }
  ctx.line(`remote: serving ${s.url ?? ''} over TLS to ${s.devices} paired device(s)`);
  const c = s.certificate;
  if (c) {
    ctx.line(
      `certificate: ${c.kind === 'local-ca' ? 'made by the local CA' : 'your own'}, until ${when(c.notAfter)}`,
    );
    if (c.caFingerprint256) ctx.line(`local CA root (SHA-256): ${c.caFingerprint256}`);
  }
  if (s.pairingLockedUntil) ctx.line(`pairing locked until ${when(s.pairingLockedUntil)} (five wrong codes)`);
  ctx.line('Pair a phone: wtp remote pair');
}

/** `wtp remote status|on|off|pair|devices|revoke`: one route each. */
export const remoteCommands = [
  routeCommand({
    name: 'status',
    isDefault: true,
    description: 'whether it serves, where, with which certificate (the default)',
    route: 'remoteStatus',
    json: 'remote',
    print: status,
  }),
  routeCommand({
    name: 'on',
    description: 'serve paired devices on ADDR:PORT over TLS (kept across daemon restarts)',
    route: 'remoteOn',
    flags: [
      { field: 'body.listen', value: 'addr:port' },
      { field: 'body.cert', value: 'file', toValue: resolve },
      { field: 'body.key', value: 'file', toValue: resolve },
      { field: 'body.everyInterface' },
    ],
    json: 'remote',
    print: status,
  }),
  routeCommand({
    name: 'off',
    description: 'stop serving devices (they stay paired)',
    route: 'remoteOff',
    json: 'remote',
    print: (ctx) => ctx.line('remote: off; paired devices stay paired (wtp remote devices)'),
  }),
  routeCommand({
    name: 'pair',
    description: 'a QR code for a phone to pair with (works once, for two minutes)',
    route: 'remotePair',
    json: 'remotePair',
    print: (ctx, r) => {
      if (r.caUrl !== null) {
        ctx.line('First time on this phone: install the local CA root from');
        ctx.line(`  ${r.caUrl}`);
        ctx.line(`and check its SHA-256 is ${r.caFingerprint256 ?? ''}`);
        ctx.line('(docs/remote.md shows where phones keep it). Then scan:\n');
      }
      ctx.line(renderUnicodeCompact(r.url, { border: 2 }));
      ctx.line(`\n${r.url}`);
      ctx.line(
        `works once, until ${when(r.expiresAt)}; the server certificate's SHA-256 is ${r.fingerprint256}`,
      );
    },
  }),
  routeCommand({
    name: 'devices',
    description: 'paired devices: name, when paired, when last seen',
    route: 'remoteDevices',
    json: 'remoteDevices',
    print: (ctx, r) => {
      if (r.devices.length === 0) return ctx.line('no paired devices: wtp remote pair');
      ctx.line(
        table(
          ['NAME', 'PAIRED', 'LAST SEEN', 'FROM', 'BROWSER'],
          r.devices.map((d) => [
            d.name,
            when(d.pairedAt),
            when(d.lastSeenAt),
            d.address ?? '?',
            (d.userAgent ?? '?').slice(0, 40),
          ]),
        ),
      );
    },
  }),
  routeCommand({
    name: 'revoke',
    description: 'end a device’s access at once, its open connections included',
    route: 'remoteRevoke',
    args: [{ field: 'params.name', help: 'the name `wtp remote devices` shows' }],
    json: 'remoteRevoked',
    print: (ctx, r) => ctx.line(`revoked ${r.device.name}: ${r.closedSockets} open connection(s) closed`),
  }),
];

/** `wtp remote`: the dashboard and API on a LAN or tailnet address, over TLS, for paired devices. */
export function registerRemoteCommands(program: Command, ctx: CliContext): void {
  const remote = program
    .command('remote')
    .description(
      'your agents from your phone, over TLS on your own network: on, off, status, pair, devices, revoke',
    );
  registerRouteCommands(remote, ctx, remoteCommands);
}
