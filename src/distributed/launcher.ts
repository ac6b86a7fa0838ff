import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LaunchOptions {
  nproc: number;
  masterAddr: string;
  /** Undefined: a free port on this machine. */
  masterPort?: number;
  /** The command line of one rank: node and its script, then the arguments. */
  argv: string[];
  /** Seconds between SIGTERM and SIGKILL when a rank failed and the others are stopped. */
  graceSeconds?: number;
  log?: (line: string) => void;
}

/** A TCP port free on this machine a moment ago, for the TCPStore of rank 0. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `nproc` ranks on this machine as torchrun does (RANK, WORLD_SIZE, LOCAL_RANK,
 * LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT; OMP_NUM_THREADS=1 unless set) and waits for them.
 * SIGINT and SIGTERM are passed on to every rank; when one rank fails the others are stopped.
 * Resolves to the exit code: 0 when every rank succeeded, else the first failure's.
 */
export async function launch(options: LaunchOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const port = options.masterPort ?? (await freePort());
  // Ranks on this machine alone (a loopback master address) meet through a FileStore in a private
  // folder (mkdtemp makes it 0700), not a TCPStore, which libtorch 1.13 opens on every interface.
  const local = isLoopbackAddress(options.masterAddr);
  const storeFolder = local ? mkdtempSync(join(tmpdir(), 'ncollapse-store-')) : undefined;
  const children: ChildProcess[] = [];
  let firstFailure: number | undefined;
  let stopping = false;
  const running = () => children.filter((c) => c.exitCode === null && c.signalCode === null);
  const stopOthers = () => {
    if (stopping) return;
    stopping = true;
    for (const child of running()) child.kill('SIGTERM');
    setTimeout(() => running().forEach((c) => c.kill('SIGKILL')), (options.graceSeconds ?? 30) * 1000).unref();
  };
  const forward = (signal: NodeJS.Signals) => () => running().forEach((c) => c.kill(signal));
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    const ends = [];
    for (let rank = 0; rank < options.nproc; rank++) {
      const child = spawn(options.argv[0]!, options.argv.slice(1), {
        stdio: 'inherit',
        env: {
          ...process.env,
          OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1',
          RANK: String(rank),
          WORLD_SIZE: String(options.nproc),
          LOCAL_RANK: String(rank),
          LOCAL_WORLD_SIZE: String(options.nproc),
          MASTER_ADDR: options.masterAddr,
          MASTER_PORT: String(port),
          ...(storeFolder ? { NCOLLAPSE_STORE_FILE: join(storeFolder, 'store') } : {}),
        },
      });
      children.push(child);
      log(
        `launch: rank ${rank} of ${options.nproc} is process ${child.pid} (store ${storeFolder ? join(storeFolder, 'store') : `${options.masterAddr}:${port}`})`,
      );
      ends.push(
        new Promise<void>((resolve) =>
          child.on('exit', (code, signal) => {
            const status = code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2) : 1);
            if (status !== 0 && firstFailure === undefined) {
              firstFailure = status;
              log(`launch: rank ${rank} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; stopping the other ranks`);
              stopOthers();
            }
            resolve();
          }),
        ),
      );
    }
    await Promise.all(ends);
    return firstFailure ?? 0;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    for (const child of running()) child.kill('SIGKILL');
    if (storeFolder) rmSync(storeFolder, { recursive: true, force: true });
  }
}

function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}
