import type { Command } from 'commander';
import { resolve } from 'node:path';
import { renderUnicodeCompact } from 'uqr';
import type { RemoteStatus } from '../../../protocol/remote.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { runAction } from '../run-action.js';

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

/** `wtp remote`: the dashboard and API on a LAN or tailnet address, over TLS, for paired devices. */
export function registerRemoteCommands(program: Command, ctx: CliContext): void {
  const remote = program
    .command('remote')
    .description(
      'your agents from your phone, over TLS on your own network: on, off, status, pair, devices, revoke',
    );

  remote
    .command('status', { isDefault: true })
    .description('whether it serves, where, with which certificate (the default)')
    .option('--json', 'machine-readable output')
    .action((raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const r = await ctx.client().call('remoteStatus');
        if (ctx.json) ctx.emit('remote', r);
        else status(ctx, r);
      }),
    );

  remote
    .command('on')
    .description('serve paired devices on ADDR:PORT over TLS (kept across daemon restarts)')
    .requiredOption('--listen <addr:port>', 'a LAN or tailnet address of this machine, e.g. 192.168.1.5:8443')
    .option('--cert <file>', 'your certificate (PEM); without it the local CA makes one')
    .option('--key <file>', 'its private key (PEM)')
    .option('--every-interface', 'allow 0.0.0.0 or [::]: every network this machine is on')
    .option('--json', 'machine-readable output')
    .action(
      (raw: { listen: string; cert?: string; key?: string; everyInterface?: boolean; json?: boolean }) =>
        runAction(ctx, raw.json, async () => {
          const body = {
            listen: raw.listen,
            ...(raw.cert === undefined ? {} : { cert: resolve(raw.cert) }),
            ...(raw.key === undefined ? {} : { key: resolve(raw.key) }),
            ...(raw.everyInterface ? { everyInterface: true } : {}),
          };
          const r = await ctx.client().call('remoteOn', { body });
          if (ctx.json) ctx.emit('remote', r);
          else status(ctx, r);
        }),
    );

  remote
    .command('off')
    .description('stop serving devices (they stay paired)')
    .option('--json', 'machine-readable output')
    .action((raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const r = await ctx.client().call('remoteOff', { body: {} });
        if (ctx.json) ctx.emit('remote', r);
        else ctx.line('remote: off; paired devices stay paired (wtp remote devices)');
      }),
    );

  remote
    .command('pair')
    .description('a QR code for a phone to pair with (works once, for two minutes)')
    .option('--json', 'machine-readable output')
    .action((raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const r = await ctx.client().call('remotePair', { body: {} });
        if (ctx.json) return ctx.emit('remotePair', r);
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
      }),
    );

  remote
    .command('devices')
    .description('paired devices: name, when paired, when last seen')
    .option('--json', 'machine-readable output')
    .action((raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const r = await ctx.client().call('remoteDevices');
        if (ctx.json) return ctx.emit('remoteDevices', r);
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
      }),
    );

  remote
    .command('revoke')
    .description('end a device’s access at once, its open connections included')
    .argument('<name>', 'the name `wtp remote devices` shows')
    .option('--json', 'machine-readable output')
    .action((name: string, raw: { json?: boolean }) =>
      runAction(ctx, raw.json, async () => {
        const r = await ctx.client().call('remoteRevoke', { params: { name }, body: {} });
        if (ctx.json) ctx.emit('remoteRevoked', r);
        else ctx.line(`revoked ${r.device.name}: ${r.closedSockets} open connection(s) closed`);
      }),
    );
}
