import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { NCOLLAPSE_VERSION } from '../src/version.js';

test("the version written into config.json is package.json's", () => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(NCOLLAPSE_VERSION, version);
});
