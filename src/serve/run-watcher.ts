import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { changedFiles, runSignature, type RunFile, type RunSignature } from './run-signature.js';
import { listRunDirs } from './runs-index.js';

export interface RunChange {
  name: string;
  files: RunFile[];
}

/** A run the watcher knows: its directory and the signature of its files at the last check. */
export interface WatchedRun {
  dir: string;
  signature: RunSignature;
}

/**
 * A full listing or check of every run waits at least this many times its last duration, so that
 * a folder of 100,000 planned runs keeps the server busy a fifth of the time at most.
 */
const BUSY_FACTOR = 4;

export interface RunWatcherOptions {
  /** Polling period: the fallback where fs.watch misses events (network file systems, some containers). */
  pollMs?: number;
  /** false: poll only (tests of the fallback). */
  fsWatch?: boolean;
}

/**
 * Watches the runs in a directory and emits 'change' (RunChange) when a run's files change and
 * 'runs' (names) when runs appear or disappear. fs.watch gives the event at once; a poll every
 * `pollMs` catches what it misses. Both only schedule a comparison of file signatures, so an
 * event seen twice is reported once. It is also the dashboard's index of the runs: requests read
 * the runs and signatures it holds instead of listing the folder again.
 */
export class RunWatcher extends EventEmitter {
  private readonly pollMs: number;
  private readonly useFsWatch: boolean;
  private readonly signatures = new Map<string, RunSignature>();
  private readonly dirs = new Map<string, string>();
  private readonly watchers = new Map<string, FSWatcher>();
  private rootWatcher: FSWatcher | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private lastRescan = { at: 0, ms: 0 };
  private snapshot: Map<string, WatchedRun> | null = null;
  private changes = 0;
  private lastPoll = { at: 0, ms: 0 };
  private readonly pendingChecks = new Map<string, NodeJS.Timeout>();
  private rescanTimer: NodeJS.Timeout | null = null;
  private busy: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly runsDir: string,
    options: RunWatcherOptions = {},
  ) {
    super();
    this.pollMs = options.pollMs ?? 750;
    this.useFsWatch = options.fsWatch ?? true;
  }

  async start(): Promise<void> {
    this.rootWatcher = this.tryWatch(this.runsDir, () => this.scheduleRescan());
    await this.serial(() => this.rescan());
    this.pollTimer = setInterval(() => void this.serial(() => this.poll()), this.pollMs);
    this.pollTimer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    for (const timer of this.pendingChecks.values()) clearTimeout(timer);
    this.rootWatcher?.close();
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  names(): string[] {
    return [...this.dirs.keys()].sort((a, b) => a.localeCompare(b));
  }

  /**
   * The runs found by the last listing, by name in sorted order, each with its last signature;
   * the same map until something changes (callers must not modify it).
   */
  runs(): Map<string, WatchedRun> {
    if (!this.snapshot) {
      this.snapshot = new Map();
      for (const name of this.names()) this.snapshot.set(name, { dir: this.dirs.get(name)!, signature: this.signatures.get(name)! });
    }
    return this.snapshot;
  }

  /** Counts the changes seen (a run's files, runs added or removed): equal counts, equal runs(). */
  get generation(): number {
    return this.changes;
  }

  private changed(): void {
    this.snapshot = null;
    this.changes++;
  }

  /** Checks run one after another, so that two never compare against the same old signature. */
  private serial(task: () => Promise<void>): Promise<void> {
    this.busy = this.busy
      .then(() => (this.closed ? undefined : task()))
      .catch((error) => {
        this.emit('warning', error);
      });
    return this.busy;
  }

  private tryWatch(path: string, onEvent: () => void): FSWatcher | null {
    if (!this.useFsWatch) return null;
    try {
      const watcher = watch(path, { persistent: false }, onEvent);
      // A watcher that fails later (directory removed, too many watches) leaves the polling.
      watcher.on('error', () => watcher.close());
      return watcher;
    } catch {
      return null;
    }
  }

  /** Milliseconds until a task that last took `last.ms` may run again. */
  private static wait(last: { at: number; ms: number }, minimumMs: number): number {
    return Math.max(0, last.at + Math.max(minimumMs, BUSY_FACTOR * last.ms) - Date.now());
  }

  private scheduleRescan(): void {
    if (this.rescanTimer || this.closed) return;
    this.rescanTimer = setTimeout(
      () => {
        this.rescanTimer = null;
        void this.serial(() => this.rescan());
      },
      RunWatcher.wait(this.lastRescan, 50),
    );
  }

  private scheduleCheck(name: string): void {
    if (this.pendingChecks.has(name) || this.closed) return;
    // A short delay lets a burst of events (write + rename) settle into one check.
    this.pendingChecks.set(
      name,
      setTimeout(() => {
        this.pendingChecks.delete(name);
        void this.serial(() => this.check(name));
      }, 30),
    );
  }

  private async rescan(): Promise<void> {
    const started = Date.now();
    const found = await listRunDirs(this.runsDir);
    let listChanged = false;
    for (const [name, dir] of found) {
      if (this.dirs.get(name) === dir) continue;
      listChanged = true;
      this.dirs.set(name, dir);
      this.watchers.get(name)?.close();
      const watcher = this.tryWatch(dir, () => this.scheduleCheck(name));
      if (watcher) this.watchers.set(name, watcher);
      this.signatures.set(name, await runSignature(dir));
    }
    for (const name of [...this.dirs.keys()]) {
      if (found.has(name)) continue;
      listChanged = true;
      this.dirs.delete(name);
      this.signatures.delete(name);
      this.watchers.get(name)?.close();
      this.watchers.delete(name);
    }
    this.lastRescan = { at: Date.now(), ms: Date.now() - started };
    if (listChanged) {
      this.changed();
      this.emit('runs', this.names());
    }
  }

  private async check(name: string): Promise<void> {
    const dir = this.dirs.get(name);
    if (!dir) return;
    const signature = await runSignature(dir);
    const files = changedFiles(this.signatures.get(name), signature);
    this.signatures.set(name, signature);
    if (files.length > 0) {
      this.changed();
      this.emit('change', { name, files } satisfies RunChange);
    }
  }

  /** Lists the folder again and checks every run, each no more often than its cost allows. */
  private async poll(): Promise<void> {
    if (RunWatcher.wait(this.lastRescan, this.pollMs) === 0) await this.rescan();
    if (RunWatcher.wait(this.lastPoll, this.pollMs) > 0) return;
    const started = Date.now();
    for (const name of this.dirs.keys()) await this.check(name);
    this.lastPoll = { at: Date.now(), ms: Date.now() - started };
  }
}
