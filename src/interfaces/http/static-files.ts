import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { appError } from '../../protocol/error-messages.js';
import { dashboardHeaders, NOT_BUILT_PAGE } from './dashboard-pages.js';
import { RawBody } from '../server/http-app.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/** Vite puts content-hashed files here: they never change under the same name. */
const HASHED_ASSETS = 'assets/';
const LONG_CACHE = 'public, max-age=31536000, immutable';

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

const within = (root: string, path: string): boolean => path.startsWith(`${root}${sep}`);

/** Whether the built dashboard (its index.html) is there. */
export function dashboardBuilt(webDir: string): boolean {
  return isFile(join(webDir, 'index.html'));
}

/**
 * The file to answer `/dashboard/<rel>` with: the file itself if it lies inside the web dir
 * (after resolving `..` and symlinks; dot-segments and dotfiles are refused), null for a
 * missing asset, else index.html so the SPA's own routes load the app.
 */
function pick(root: string, index: string, rel: string): string | null {
  if (rel === '') return index;
  if (rel.includes('\0') || rel.split('/').some((seg) => seg.startsWith('.'))) return null;
  const abs = resolve(root, rel);
  if (!within(root, abs)) return null;
  if (isFile(abs)) {
    const real = realpathSync(abs);
    return within(root, real) ? real : null;
  }
  const last = rel.split('/').pop() ?? '';
  return rel.startsWith(HASHED_ASSETS) || extname(last) !== '' ? null : index;
}

/**
 * Serves `/dashboard/<rel>` (rel already URL-decoded) from the built SPA in `webDir`: 503
 * when it was not built, 404 for a missing file that looks like an asset, index.html for
 * other paths (client-side routes). No auth: the files hold no data.
 */
export async function dashboardFile(webDir: string, rel: string, port: number | null): Promise<RawBody> {
  const headers = dashboardHeaders(port);
  let root: string;
  try {
    root = realpathSync(webDir);
  } catch {
    root = '';
  }
  const index = join(root, 'index.html');
  if (root === '' || !isFile(index)) {
    return new RawBody(NOT_BUILT_PAGE, CONTENT_TYPES['.html'] ?? '', 503, {
      ...headers,
      'cache-control': 'no-store',
    });
  }
  const file = pick(root, index, rel);
  if (file === null) throw appError('NOT_FOUND', { file: rel });
  const data = await readFile(file);
  const hashed = file !== index && rel.startsWith(HASHED_ASSETS);
  return new RawBody(data, CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 200, {
    ...headers,
    'cache-control': hashed ? LONG_CACHE : 'no-cache',
  });
}
