import { linkSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

import { UsageError } from '../errors.js';
import { readBoundedText } from './bounded-read.js';

/** A lock file is a few hundred bytes of JSON. */
const LOCK_BYTES = 64 * 1024;
import { currentProcess, describeProcess, parseProcessIdentity, processState, sameProcess, type ProcessIdentity } from './process-identity.js';

/**
 * An exclusive lock on a folder (a run directory, a sweep): a small JSON file naming the process
 * that holds it (pid, start time, command, host; process-identity.ts). Node has no flock, so the
 * OS cannot release the lock itself; instead a lock whose process is gone (the pid is free, or
 * runs a different process since) is stale, and the next writer takes it over. A stale lock from a
 * killed process therefore never blocks anyone, and a live one always does.
 *
 * The file appears complete or not at all: it is written under a temporary name and hard-linked
 * into place, which fails if a lock already exists (no two processes can both create it).
 * Within one process the lock is re-entrant (`demo --fresh` holds it, then its training takes it again).
 */

export class LockHeldError extends UsageError {
  readonly holder: ProcessIdentity;

  constructor(message: string, holder: ProcessIdentity) {
    super(message);
    this.holder = holder;
  }
}

export interface LockRecord extends ProcessIdentity {
  /** What the holder does there ("train", "sweep run"), for messages. */
  purpose: string;
  acquiredAt: string;
  /** Anything else the holder records (a pool's parallelism). */
  [key: string]: unknown;
}

/** Locks this process holds, with their nesting depth. */
const held = new Map<string, number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A clean exit removes the locks still held (a killed process leaves a stale one, which is harmless).
  process.on('exit', () => {
    for (const file of held.keys()) removeIfOurs(file);
  });
}

/** The lock's record, or null when the file is absent, unreadable or not a lock of ncollapse. */
export function readLock(file: string): LockRecord | null {
  let text: string;
  try {
    text = readBoundedText(file, LOCK_BYTES, 'lock file');
  } catch {
    return null;
  }
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const who = parseProcessIdentity(json);
    if (who === null) return null;
    return { ...json, ...who, purpose: String(json.purpose ?? ''), acquiredAt: String(json.acquiredAt ?? '') };
  } catch {
    return null;
  }
}

/** The process that holds the lock now, or null when nobody does (no lock, or a stale one). */
export function liveHolder(file: string): LockRecord | null {
  const record = readLock(file);
  if (record === null) return null;
  return processState(record) === 'gone' ? null : record;
}

export function heldMessage(folder: string, file: string, holder: LockRecord): string {
  const how = holder.purpose ? ` (${holder.purpose})` : '';
  const since = holder.acquiredAt ? ` since ${holder.acquiredAt}` : '';
  const remote =
    processState(holder) === 'unknown'
      ? `; that host cannot be checked from here: if that process has ended, delete ${file}`
      : '; wait for it to end or stop it first';
  return `${folder} is in use by another ncollapse process${how}: ${describeProcess(holder)}${since}${remote}`;
}

function removeIfOurs(file: string): void {
  const record = readLock(file);
  if (record !== null && sameProcess(record, currentProcess())) rmSync(file, { force: true });
}

/**
 * Moves a stale lock aside, unless it changed since it was judged stale (another process took it
 * over in between: then that process's lock is put back, or left, and this one must try again).
 */
function removeStale(file: string, judged: string | null): void {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // already gone
  }
  let moved: string | null = null;
  try {
    moved = readBoundedText(aside, LOCK_BYTES, 'lock file');
  } catch {
    // unreadable: judged as it was
  }
  if (moved !== judged) {
    try {
      linkSync(aside, file); // put a lock taken in between back, unless yet another one is there now
    } catch {
      // another lock is in place: it decides
    }
  }
  rmSync(aside, { force: true });
}

export class LockFile {
  readonly file: string;
  private released = false;

  private constructor(file: string) {
    this.file = file;
  }

  /**
   * Takes the lock `file` for `folder`, or throws LockHeldError naming the live process that holds
   * it. `extra` is recorded with the holder's identity.
   */
  static acquire(file: string, folder: string, purpose: string, extra: Record<string, unknown> = {}): LockFile {
    const me = currentProcess();
    const depth = held.get(file);
    if (depth !== undefined) {
      held.set(file, depth + 1);
      return new LockFile(file);
    }
    const record: LockRecord = { ...extra, ...me, purpose, acquiredAt: new Date().toISOString() };
    const temporary = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          linkSync(temporary, file);
          held.set(file, 1);
          installExitHook();
          return new LockFile(file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        let text: string | null = null;
        try {
          text = readBoundedText(file, LOCK_BYTES, 'lock file');
        } catch {
          continue; // removed meanwhile: try again
        }
        const holder = readLock(file);
        if (holder !== null && sameProcess(holder, me)) {
          // Ours, left by an earlier LockFile of this process that was not released.
          held.set(file, 1);
          installExitHook();
          return new LockFile(file);
        }
        if (holder !== null && processState(holder) !== 'gone') throw new LockHeldError(heldMessage(folder, file, holder), holder);
        removeStale(file, text);
      }
      const holder = readLock(file);
      throw new LockHeldError(
        holder ? heldMessage(folder, file, holder) : `${folder}: cannot take the lock ${file} (other processes keep taking it)`,
        holder ?? me,
      );
    } finally {
      try {
        unlinkSync(temporary);
      } catch {
        // linked and unlinked already, or never made
      }
    }
  }

  /** Gives the lock up (the outermost release of this process removes the file). */
  release(): void {
    if (this.released) return;
    this.released = true;
    const depth = held.get(this.file) ?? 0;
    if (depth > 1) {
      held.set(this.file, depth - 1);
      return;
    }
    held.delete(this.file);
    removeIfOurs(this.file);
  }
}
