import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RankResult {
  rank: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Ranks {
  children: ChildProcess[];
  /** Each rank's end, in rank order. */
  ends: Promise<RankResult>[];
  done: Promise<RankResult[]>;
  /** SIGKILLs every rank still running (call it in `finally`). */
  kill(): void;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A fresh temporary folder for a FileStore; the caller removes it. */
export function storeDir(): string {
  return mkdtempSync(join(tmpdir(), 'ncollapse-store-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts `node --import tsx SCRIPT ARGS` once per rank, with one libtorch thread each and
 * `env(rank)` added to the environment.
 */
export function spawnRanks(script: string, worldSize: number, env: (rank: number) => Record<string, string>, args: string[] = []): Ranks {
  const children: ChildProcess[] = [];
  const results: Promise<RankResult>[] = [];
  for (let rank = 0; rank < worldSize; rank++) {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OMP_NUM_THREADS: '1', ...env(rank) },
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    results.push(new Promise((resolve) => child.on('close', (code, signal) => resolve({ rank, code, signal, stdout, stderr }))));
  }
  return {
    children,
    ends: results,
    done: Promise.all(results),
    kill() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The last JSON line a rank printed on stdout. */
export function lastJson<T>(result: RankResult): T {
  const lines = result.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'));
  if (lines.length === 0) throw new Error(`rank ${result.rank} printed no result (exit ${result.code ?? result.signal}):\n${result.stderr}`);
  return JSON.parse(lines[lines.length - 1]!) as T;
}
