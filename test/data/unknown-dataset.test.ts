import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DatasetError } from '../../src/data/dataset-error.js';
import { loadDataset } from '../../src/data/index.js';
import { NcollapseError } from '../../src/errors.js';

test('the unknown-dataset message lists every dataset training accepts, ufm included', () => {
  assert.throws(
    () => loadDataset('imagenet', {}),
    (error: unknown) =>
      error instanceof DatasetError &&
      error instanceof NcollapseError &&
      /^imagenet: unknown dataset, expected one of mnist, .*gaussian or ufm/.test(error.message),
  );
});
