import { spawn, type ChildProcess } from 'node:child_process';

/** A separate process that takes the lock `file` through LockFile and holds it until killed. */
export function holdLock(file: string, purpose = 'test holder'): Promise<ChildProcess> {
  const code = `
    const { LockFile } = await import(${JSON.stringify(new URL('../../src/io/lock-file.ts', import.meta.url).href)});
    LockFile.acquire(${JSON.stringify(file)}, 'the folder', ${JSON.stringify(purpose)});
    console.log('locked');
    setTimeout(() => {}, 120_000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (c) => reject(new Error(`the lock holder exited with ${c}`)));
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}
