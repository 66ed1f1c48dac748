#!/usr/bin/env node
// Thin launcher: everything lives in the bundle built by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/wtp.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    'wtp: dist/wtp.js is missing; run `npm ci` or `npm run build` in the checkout first.\n',
  );
  process.exit(1);
}
await import(bundle.href);
