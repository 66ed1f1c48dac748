import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedFiles } from './generated-files.js';

/** `npm run gen` writes the generated files; `npm run gen:check` fails if any differs from the code. */
const check = process.argv.includes('--check');
const root = process.cwd();
const stale: string[] = [];
const written: string[] = [];
for (const [path, content] of Object.entries(generatedFiles(root))) {
  const abs = join(root, path);
  let current: string | null = null;
  try {
    current = readFileSync(abs, 'utf8');
  } catch {
    current = null;
  }
  if (current === content) continue;
  if (check) stale.push(path);
  else {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    written.push(path);
    process.stderr.write(`wrote ${path}\n`);
  }
}
if (stale.length > 0) {
  process.stderr.write(`generated files are out of date (run \`npm run gen\`): ${stale.join(', ')}\n`);
  process.exit(1);
}

// Generated source files (the vendor lists, the profile names) are part of this very build: what
// is derived from them (the OpenAPI document, the profile names of a new vendor folder) is only
// right after building again with them. Build and generate once more.
const sources = written.filter((p) => p.startsWith('src/'));
if (sources.length > 0) {
  if (process.env.WTP_GEN_AGAIN === '1') {
    process.stderr.write(`generated sources changed again: ${sources.join(', ')}\n`);
    process.exit(1);
  }
  process.stderr.write('generated sources changed: building and generating again\n');
  const env = { ...process.env, WTP_GEN_AGAIN: '1' };
  for (const args of [['scripts/build.mjs'], ['dist/gen.js']]) {
    const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
