import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { METRIC_CATALOG } from '../../src/collapse/metric-catalog.js';
import { EPOCH_FIGURES } from '../../src/report/figure-catalog.js';
import { documentedGroups, METRICS_DOC, renderMetricsDoc } from '../../scripts/metric-docs.js';

const doc = readFileSync(METRICS_DOC, 'utf8');

/** The keys in the first column of the document's tables. */
function documentedKeys(text: string): string[] {
  return [...text.matchAll(/^\| `(\w+)` \|/gm)].map((match) => match[1]!);
}

test('docs/metrics.md holds the tables the catalogue renders (npx tsx scripts/metric-docs.ts)', () => {
  assert.equal(doc, renderMetricsDoc(doc));
});

test('every catalogued key is documented once, and every documented key is catalogued', () => {
  const groups = new Set(METRIC_CATALOG.map((entry) => entry.group));
  assert.deepEqual(new Set(documentedGroups(doc)), groups, 'one table per group');
  const keys = documentedKeys(doc);
  assert.deepEqual([...keys].sort(), METRIC_CATALOG.map((entry) => entry.key).sort());
  assert.equal(new Set(keys).size, keys.length, 'no key documented twice');
});

test("each key of a paper figure is drawn in the report's figure of that number, on the catalogue's scale", () => {
  for (const entry of METRIC_CATALOG) {
    if (entry.figure === null) continue;
    const figure = EPOCH_FIGURES.find((f) => f.id.startsWith(`fig${entry.figure}-`));
    assert.ok(figure, `the report has a figure ${entry.figure}`);
    assert.ok(
      figure.panels.some((panel) => panel.key === entry.key),
      `${entry.key} is drawn in ${figure.id}`,
    );
  }
  for (const panel of EPOCH_FIGURES.flatMap((f) => f.panels)) {
    assert.equal(panel.logY, METRIC_CATALOG.find((entry) => entry.key === panel.key)!.logScale, panel.key);
  }
});

test('keys and glossary lines are unique and non-empty', () => {
  const keys = METRIC_CATALOG.map((entry) => entry.key);
  assert.equal(new Set(keys).size, keys.length);
  for (const entry of METRIC_CATALOG) {
    assert.match(entry.key, /^[a-z][a-z0-9_]*$/);
    assert.ok(entry.meaning.trim() && entry.definition.trim(), entry.key);
  }
});
