import type { StorageComponent } from '../../protocol/storage.js';
import { AppError, isAppError } from '../errors.js';

/** Error codes of a full filesystem: the write may succeed once space is freed. */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
/** Other write failures of the storage itself (not of our logic). */
const FAILED_CODES = new Set(['EIO', 'EROFS', 'EFBIG', 'SQLITE_READONLY', 'SQLITE_CANTOPEN']);

/** The errno or SQLite code of a thrown value, if it has one. */
export function errorCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/** Whether `code` says the storage could not be written (full disk, I/O error, read-only). */
export function isStorageCode(code: string | null): code is string {
  if (code === null) return false;
  return FULL_CODES.has(code) || FAILED_CODES.has(code) || code.startsWith('SQLITE_IOERR');
}

/** Short words for the marker and messages: "disk full", "I/O error", … */
export function describeStorageCode(code: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'SQLITE_FULL':
      return 'disk full';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
    case 'SQLITE_READONLY':
      return 'read-only file system';
    case 'EFBIG':
      return 'file too large';
    default:
      return code === 'EIO' || code.startsWith('SQLITE_IOERR') ? 'I/O error' : code;
  }
}

/** What to do about a failing write to `path`. */
export function storageFix(code: string, path: string): string {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : path;
  return FULL_CODES.has(code)
    ? `Free space on the filesystem holding ${dir} (\`df -h ${dir}\`); writing resumes by itself, no restart needed.`
    : `Check the filesystem holding ${dir} (\`dmesg\`, \`mount\`); writing is retried by itself.`;
}

/** The STORAGE_FULL / STORAGE_FAILED error for a failed write, or null when `err` is not a storage failure. */
export function storageError(
  err: unknown,
  where: { component: StorageComponent; path?: string | null },
): AppError | null {
  if (isAppError(err)) return err.code === 'STORAGE_FULL' || err.code === 'STORAGE_FAILED' ? err : null;
  const code = errorCode(err);
  if (!isStorageCode(code)) return null;
  const path = where.path ?? pathOf(err) ?? '(unknown path)';
  const full = FULL_CODES.has(code);
  const what = where.component === 'database' ? 'the database' : path;
  return new AppError(
    full ? 'STORAGE_FULL' : 'STORAGE_FAILED',
    `Cannot write ${what} (${describeStorageCode(code)}, ${code}); the change was not made. ${storageFix(code, path)}`,
    { component: where.component, path, errorCode: code },
    { cause: err },
  );
}

/** Whether `err` is a storage failure (raw or already mapped). */
export function isStorageFailure(err: unknown): boolean {
  if (isAppError(err)) return err.code === 'STORAGE_FULL' || err.code === 'STORAGE_FAILED';
  return isStorageCode(errorCode(err));
}

function pathOf(err: unknown): string | null {
  const path = (err as { path?: unknown }).path;
  return typeof path === 'string' ? path : null;
}
