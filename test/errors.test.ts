import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { AnalysisInputError } from '../src/analyze/analysis-arrays.js';
import { CollapseError } from '../src/collapse/collapse-error.js';
import { DatasetError } from '../src/data/dataset-error.js';
import { EXIT_CODES, InputFileError, NcollapseError } from '../src/errors.js';
import { SafetensorsError } from '../src/io/safetensors.js';
import { RunReadError } from '../src/run/run-reader.js';
import { NonFiniteOutputError } from '../src/train/measure-epoch.js';
import { TrainingDivergedError } from '../src/train/trainer.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

test('the error classes derive from NcollapseError, keep their names and messages, and carry their exit code', () => {
  const cases: [NcollapseError, string, string, number][] = [
    [new SafetensorsError('w.safetensors', 'truncated header'), 'SafetensorsError', 'w.safetensors: truncated header', 1],
    [new DatasetError('x.npy', 'not a .npy file'), 'DatasetError', 'x.npy: not a .npy file', 1],
    [new RunReadError('runs/a/config.json is missing'), 'RunReadError', 'runs/a/config.json is missing', 1],
    [new AnalysisInputError({ file: 'f.npz', name: 'H' }, 'not 2-D'), 'AnalysisInputError', "f.npz, array 'H': not 2-D", 1],
    [new CollapseError('class 3 is empty'), 'CollapseError', 'class 3 is empty', 1],
    [new NonFiniteOutputError('the loss is NaN'), 'NonFiniteOutputError', 'the loss is NaN', 1],
    [new TrainingDivergedError('the loss became NaN'), 'TrainingDivergedError', 'the loss became NaN', 3],
  ];
  for (const [error, name, message, exitCode] of cases) {
    assert.ok(error instanceof NcollapseError, name);
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    assert.equal(error.exitCode, exitCode, name);
  }
  assert.ok(new SafetensorsError('a', 'b') instanceof InputFileError);
  assert.equal(new DatasetError('dir/x.bin', 'short').file, 'dir/x.bin');
  assert.deepEqual([EXIT_CODES.error, EXIT_CODES.diverged, EXIT_CODES.sigint], [1, 3, 130]);
});

test('every error class in src/ derives from NcollapseError', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const direct: string[] = [];
  for (const file of files(SRC)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/class (\w+) extends (?:Error|TypeError|RangeError)\b/g)) {
      direct.push(`${relative(SRC, file)}: ${match[1]}`);
    }
  }
  assert.deepEqual(direct, ['errors.ts: NcollapseError']);
});
