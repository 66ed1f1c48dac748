import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedFiles } from './generated-files.js';

/** `npm run gen` writes the generated files; `npm run gen:check` fails if any differs from the code. */
const check = process.argv.includes('--check');
const root = process.cwd();
const stale: string[] = [];
for (const [path, content] of Object.entries(generatedFiles())) {
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
    process.stderr.write(`wrote ${path}\n`);
  }
}
if (stale.length > 0) {
  process.stderr.write(`generated files are out of date (run \`npm run gen\`): ${stale.join(', ')}\n`);
  process.exit(1);
}
