#!/usr/bin/env node
// Thin launcher: everything lives in the bundle built by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import module from 'node:module';

// bin/wtp sets NODE_EXTRA_CA_CERTS aside for the commands that need no TLS: what this process
// starts (a daemon, git, an agent CLI) gets it back.
if (process.env.WTP_SET_ASIDE_CA_CERTS !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS ??= process.env.WTP_SET_ASIDE_CA_CERTS;
  delete process.env.WTP_SET_ASIDE_CA_CERTS;
}
const dist = new URL('../dist/', import.meta.url);
const bundle = new URL('wtp.js', dist);
if (!existsSync(bundle)) {
  process.stderr.write(
    'wtp: dist/wtp.js is missing; run `npm ci` or `npm run build` in the checkout first.\n',
  );
  process.exit(1);
}
// Node 22.1 and later keep V8's compiled code of the bundle between runs (in the OS's temporary
// folder, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): every `wtp` call
// after the first skips compiling it again. Node 20 has no such cache: nothing happens.
try {
  module.enableCompileCache?.();
} catch {
  // a cache folder that cannot be written is no reason not to run
}
// `wtp ls`, `wtp diff` and answering one agent, in their common forms, run from a file of their own,
// without the CLI's program (src/fast.ts); anything else, or a call the fast path hands back, goes
// to the whole CLI.
const args = process.argv.slice(2);
const FAST = ['ls', 'diff', 'approve', 'deny', 'answer'];
const ranFast = FAST.includes(args[0]) && (await (await import(new URL('fast.js', dist).href)).runFast(args));
if (!ranFast) await import(bundle.href);
