import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { LockFile, LockHeldError, liveHolder, readLock } from '../../src/io/lock-file.js';
import { currentProcess, processState } from '../../src/io/process-identity.js';
import { exited, holdLock } from './lock-holder.js';

describe('lock file (one live writer)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncollapse-lock-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second process while the first lives, naming it; takes the lock over once it is killed', async () => {
    const file = join(dir, 'a.lock');
    const child = await holdLock(file);
    try {
      assert.throws(
        () => LockFile.acquire(file, 'the folder', 'test'),
        (error: unknown) =>
          error instanceof LockHeldError && error.exitCode === 2 && error.message.includes(`pid ${child.pid}`) && error.message.includes('test holder'),
      );
      assert.equal(liveHolder(file)?.pid, child.pid);
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
    // SIGKILL left the file behind: a stale lock, which never blocks.
    assert.equal(readLock(file)?.pid, child.pid);
    assert.equal(liveHolder(file), null);
    const lock = LockFile.acquire(file, 'the folder', 'test');
    assert.equal(readLock(file)?.pid, process.pid);
    lock.release();
    assert.equal(existsSync(file), false);
  });

  it('treats a lock naming a live pid with another start time (a reused pid) as stale', () => {
    const file = join(dir, 'reused.lock');
    const me = currentProcess();
    const reused = { ...me, pid: process.ppid, startTicks: '1', purpose: 'train', acquiredAt: 'then' };
    writeFileSync(file, JSON.stringify(reused));
    assert.equal(processState(reused), 'gone');
    const lock = LockFile.acquire(file, 'the folder', 'test');
    assert.equal(readLock(file)?.pid, process.pid);
    lock.release();
  });

  it('refuses a lock of another host (which cannot be checked) and says how to clear it', () => {
    const file = join(dir, 'remote.lock');
    writeFileSync(file, JSON.stringify({ ...currentProcess(), host: 'elsewhere.invalid', pid: 4242, purpose: 'train', acquiredAt: 'then' }));
    assert.throws(() => LockFile.acquire(file, 'the folder', 'test'), /pid 4242 on host elsewhere\.invalid.*delete .*remote\.lock/);
    assert.equal(readLock(file)?.host, 'elsewhere.invalid');
  });

  it('takes over an unreadable lock file and is re-entrant within one process', () => {
    const file = join(dir, 'garbage.lock');
    writeFileSync(file, 'not json');
    const outer = LockFile.acquire(file, 'the folder', 'outer');
    const inner = LockFile.acquire(file, 'the folder', 'inner');
    inner.release();
    assert.equal(readLock(file)?.purpose, 'outer', 'the inner release keeps the outer lock');
    outer.release();
    assert.equal(existsSync(file), false);
  });

  it('lets exactly one of several processes racing for the same lock win', async () => {
    const file = join(dir, 'race.lock');
    // All try at about the same moment (after every child has started), so that the race is real;
    // each then holds on until the test has heard from all of them (stdin closes), so a slow start never wins late.
    const startAt = Date.now() + 4000;
    const code = `
      const { LockFile } = await import(${JSON.stringify(new URL('../../src/io/lock-file.ts', import.meta.url).href)});
      while (Date.now() < ${startAt});
      try { LockFile.acquire(${JSON.stringify(file)}, 'f', 'race'); console.log('won'); }
      catch (e) { console.log('lost'); }
      process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const results = await Promise.all(children.map((child) => new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d).trim())))));
    for (const child of children) child.stdin!.end();
    await Promise.all(children.map(exited));
    assert.equal(results.filter((r) => r === 'won').length, 1, results.join(' '));
    assert.equal(existsSync(file), false, 'the winner removed its lock on exit');
  });
});
