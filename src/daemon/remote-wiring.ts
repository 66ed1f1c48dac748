import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from '../adapters/tls/private-files.js';
import { isAppError } from '../core/errors.js';
import { appError } from '../protocol/error-messages.js';
import type { NewEvent } from '../protocol/events.js';
import type { JsonDoc, RemotePorts, ServerCert } from '../interfaces/remote/remote-ports.js';

/** A JSON document in the remote folder: 0600, never through a link, read at most 64 KiB. */
function jsonDoc(dir: string, name: string): JsonDoc {
  const path = join(dir, name);
  const invalid = (problem: string, cause?: unknown) =>
    appError('REMOTE_FILE_INVALID', { path, problem }, cause === undefined ? undefined : { cause });
  return {
    read() {
      let text: string | undefined;
      try {
        text = readPrivateFile(path, { secret: true, refuse: (_, problem) => invalid(problem) });
      } catch (err) {
        if (isAppError(err)) throw err;
        throw invalid(`cannot be read (${err instanceof Error ? err.message : String(err)})`, err);
      }
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw invalid('is not JSON');
      }
    },
    write(doc) {
      ensurePrivateDir(dir, (folder, problem) =>
        appError('REMOTE_CERT_INVALID', { path: folder, problem, remoteDir: dir }),
      );
      writePrivateFile(path, `${JSON.stringify(doc, null, 2)}\n`, 0o600);
    },
    remove() {
      rmSync(path, { force: true });
    },
  };
}

/** Your own certificate and key: read with the same limits, checked to belong together. */
function ownCertificate(certPath: string, keyPath: string): ServerCert {
  const read = (path: string, secret: boolean, flag: string): string => {
    const refuse = (file: string, problem: string) =>
      appError('REMOTE_CERT_INVALID', { path: file, problem, flag });
    const text = readPrivateFile(path, { secret, refuse });
    if (text === undefined) throw appError('REMOTE_CERT_INVALID', { path, flag });
    return text;
  };
  const certPem = read(certPath, false, '--cert');
  const keyPem = read(keyPath, true, '--key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
    if (!x509.checkPrivateKey(createPrivateKey(keyPem))) throw new Error('the key is not the certificate’s');
  } catch (err) {
    throw appError('REMOTE_CERT_INVALID', { path: certPath, key: keyPath, error: (err as Error).message });
  }
  const dnsNames = (x509.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4))
    .filter((n) => /^[A-Za-z0-9.-]{1,253}$/.test(n));
  return {
    certPem,
    keyPem,
    fingerprint256: x509.fingerprint256,
    notAfter: new Date(x509.validTo),
    dnsNames,
    ca: null,
  };
}

/** The remote listener's machine side: its files in `<state>/remote/`, the local CA, the event log. */
export function remotePorts(o: {
  stateDir: string;
  record: (events: NewEvent[]) => Promise<unknown>;
  dialogOf: RemotePorts['dialogOf'];
  /** Config notifications.push: the push services besides the browsers' own, and their CA. */
  push: { extraServices: readonly string[]; caFile?: string | undefined };
}): RemotePorts {
  const dir = join(o.stateDir, 'remote');
  return {
    settings: jsonDoc(dir, 'settings.json'),
    devices: jsonDoc(dir, 'devices.json'),
    async certificate(choice) {
      if (choice.kind === 'files') return ownCertificate(choice.cert, choice.key);
      // node-forge is loaded only when the local CA is used.
      const { ensureLocalCa, ensureServerCert } = await import('../adapters/tls/local-ca.js');
      const caDir = join(dir, 'ca');
      const ca = ensureLocalCa(caDir);
      const server = ensureServerCert(caDir, [choice.host]);
      return { ...server, dnsNames: [], ca: { certPem: ca.certPem, fingerprint256: ca.fingerprint256 } };
    },
    record: o.record,
    dialogOf: o.dialogOf,
    async push(subject) {
      const { ensureVapidKeys } = await import('../adapters/push/vapid-keys.js');
      const { PushSender, pushHostAllowed } = await import('../adapters/push/push-sender.js');
      const hosts = o.push.extraServices.map((s) => s.replace(/:\d+$/, '').toLowerCase());
      const ports = o.push.extraServices.flatMap((s) => {
        const port = /:(\d+)$/.exec(s)?.[1];
        return port === undefined ? [] : [Number(port)];
      });
      const ca = o.push.caFile === undefined ? undefined : readFileSync(o.push.caFile, 'utf8');
      const vapid = ensureVapidKeys(join(dir, 'push'));
      const sender = new PushSender({
        vapid,
        subject,
        allowedHosts: (h) => pushHostAllowed(h, hosts),
        allowedPorts: ports,
        ...(ca === undefined ? {} : { agent: new Agent({ ca: [...rootCertificates, ca] }) }),
      });
      return {
        publicKey: vapid.publicKey,
        refuses: (sub) => sender.refuses(sub),
        send: (sub, payload, opts) => sender.send(sub, payload, opts),
      };
    },
  };
}
