import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

export type SafePathResult = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404 };

/**
 * Splits a raw request path (as received, before any normalisation) into decoded segments,
 * refusing anything that could name a file outside the served root: "..", "." and empty segments
 * (so "//etc" and "/a/../b" fail), encoded ones ("%2e%2e", "%2f"), backslashes and NUL.
 * Returns null for a refusal.
 */
export function safeSegments(rawPath: string): string[] | null {
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..') return null;
    if (/[/\\\0]/.test(segment) || isAbsolute(segment) || /^[A-Za-z]:/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

/** True when a decoded request path has a "." or ".." segment anywhere: refused before routing. */
export function hasDotSegment(rawPath: string): boolean {
  const decoded = (() => {
    try {
      return decodeURIComponent(rawPath);
    } catch {
      return rawPath;
    }
  })();
  return decoded.split(/[/\\]/).some((segment) => segment === '..' || segment === '.');
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' ? false : !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

/**
 * Maps a path relative to `root` (raw, from the URL) to a regular file inside `root`, following
 * symlinks only when their target also lies inside `root`.
 */
export async function resolveFileInside(root: string, rawRelativePath: string): Promise<SafePathResult> {
  const segments = safeSegments(rawRelativePath);
  if (!segments || segments.length === 0) return { ok: false, status: 403 };
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { ok: false, status: 404 };
  }
  const candidate = join(realRoot, ...segments);
  if (!isInside(realRoot, candidate)) return { ok: false, status: 403 };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { ok: false, status: 404 };
  }
  if (!isInside(realRoot, real)) return { ok: false, status: 403 };
  try {
    const info = await stat(real);
    if (!info.isFile()) return { ok: false, status: 404 };
  } catch {
    return { ok: false, status: 404 };
  }
  return { ok: true, path: real };
}
