import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { removeOwnRun } from '../../src/cli/fresh-run.js';
import { UsageError } from '../../src/errors.js';
import { runCli } from '../train/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'ncollapse-fresh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The files of a run as the trainer writes them. */
function ownRun(name: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'checkpoints'), { recursive: true });
  writeFileSync(join(root, 'config.json'), JSON.stringify({ dataset: 'fashion-mnist', ncollapseVersion: '0.1.0' }));
  writeFileSync(join(root, 'status.json'), JSON.stringify({ state: 'finished', epoch: 3 }));
  writeFileSync(join(root, 'metrics.jsonl'), '{"epoch":1}\n');
  writeFileSync(join(root, 'checkpoints', 'last.safetensors'), 'x');
  return root;
}

const refused = (error: unknown) =>
  error instanceof UsageError && /--fresh: .* it is not a run directory of ncollapse, so it is left alone/.test(error.message);

test('--fresh removes a run directory of ours and says what it removed', () => {
  const root = ownRun('ours');
  const removed = removeOwnRun(root);
  assert.deepEqual(removed.map((p) => p.slice(root.length + 1)).sort(), ['checkpoints', 'config.json', 'metrics.jsonl', 'status.json']);
  assert.equal(existsSync(root), false);
  assert.deepEqual(removeOwnRun(root), [], 'nothing there: nothing to remove');
});

test('--fresh refuses an unrelated folder, a plain file, and a run with files we did not write; all stay intact', () => {
  const unrelated = join(dir, 'photos');
  mkdirSync(unrelated);
  writeFileSync(join(unrelated, 'holiday.jpg'), 'precious');
  assert.throws(() => removeOwnRun(unrelated), refused);
  assert.equal(readFileSync(join(unrelated, 'holiday.jpg'), 'utf8'), 'precious');

  const file = join(dir, 'thesis.tex');
  writeFileSync(file, 'precious');
  assert.throws(
    () => removeOwnRun(file),
    (error: unknown) => refused(error) && /is not a folder/.test((error as Error).message),
  );
  assert.equal(readFileSync(file, 'utf8'), 'precious');

  const mixed = ownRun('mixed');
  writeFileSync(join(mixed, 'notes.md'), 'precious');
  assert.throws(
    () => removeOwnRun(mixed),
    (error: unknown) => refused(error) && /notes\.md/.test((error as Error).message),
  );
  assert.equal(readFileSync(join(mixed, 'notes.md'), 'utf8'), 'precious');
  assert.ok(existsSync(join(mixed, 'config.json')));

  const foreignConfig = join(dir, 'foreign');
  mkdirSync(foreignConfig);
  writeFileSync(join(foreignConfig, 'config.json'), '{"editor": "vim"}');
  writeFileSync(join(foreignConfig, 'status.json'), '{"state": "finished"}');
  assert.throws(
    () => removeOwnRun(foreignConfig),
    (error: unknown) => refused(error) && /no config\.json written by ncollapse/.test((error as Error).message),
  );
  assert.ok(existsSync(join(foreignConfig, 'config.json')));
});

test('ncollapse demo --fresh --out FILE refuses and leaves the file', async () => {
  const file = join(dir, 'keep.txt');
  writeFileSync(file, 'precious');
  const result = await runCli(['demo', '--fresh', '--out', file, '--quiet', '--epochs', '1']);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /keep\.txt is not a folder; it is not a run directory of ncollapse/);
  assert.equal(readFileSync(file, 'utf8'), 'precious');
});
