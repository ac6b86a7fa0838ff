import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hasDotSegment, resolveFileInside, safeSegments } from '../../src/serve/safe-path.js';
import { makeTempDir } from '../report/fixture-run.js';

describe('safe paths', () => {
  const parent = makeTempDir();
  const root = join(parent, 'runs');
  mkdirSync(join(root, 'a'), { recursive: true });
  writeFileSync(join(root, 'a', 'metrics.jsonl'), '{}\n');
  writeFileSync(join(parent, 'secret.txt'), 'secret');
  symlinkSync(join(parent, 'secret.txt'), join(root, 'a', 'escape.txt'));
  symlinkSync(parent, join(root, 'outside'));
  symlinkSync(join(root, 'a', 'metrics.jsonl'), join(root, 'a', 'inside.txt'));
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('splits and decodes a plain path', () => {
    assert.deepEqual(safeSegments('a/metrics.jsonl'), ['a', 'metrics.jsonl']);
    assert.deepEqual(safeSegments('run%20one/report.html'), ['run one', 'report.html']);
  });

  it('refuses dot segments, encoded or not, empty segments, backslashes and encoded slashes', () => {
    for (const path of [
      '../secret.txt',
      'a/../../secret.txt',
      '%2e%2e/secret.txt',
      '%2E%2E%2Fsecret.txt',
      'a/%2e%2e/%2e%2e/x',
      '/etc/passwd',
      'a//b',
      '.',
      'a\\..\\b',
      '%5c..%5cx',
      'a%00',
      '%zz',
      'C:%5cwindows',
    ]) {
      assert.equal(safeSegments(path), null, path);
    }
    assert.ok(hasDotSegment('/runs/../x'));
    assert.ok(hasDotSegment('/runs/%2e%2e/x'));
    assert.ok(!hasDotSegment('/runs/a..b/x'));
  });

  it('resolves files inside the root, following symlinks that stay inside', async () => {
    assert.deepEqual(await resolveFileInside(root, 'a/metrics.jsonl'), { ok: true, path: join(root, 'a', 'metrics.jsonl') });
    const inside = await resolveFileInside(root, 'a/inside.txt');
    assert.ok(inside.ok);
  });

  it('refuses symlinks whose target is outside the root', async () => {
    assert.deepEqual(await resolveFileInside(root, 'a/escape.txt'), { ok: false, status: 403 });
    assert.deepEqual(await resolveFileInside(root, 'outside/secret.txt'), { ok: false, status: 403 });
  });

  it('answers 404 for a missing file or a directory', async () => {
    assert.deepEqual(await resolveFileInside(root, 'a/nope.txt'), { ok: false, status: 404 });
    assert.deepEqual(await resolveFileInside(root, 'a'), { ok: false, status: 404 });
  });
});
