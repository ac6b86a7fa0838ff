/**
 * The tables of docs/metrics.md, rendered from the metric catalogue (src/collapse/metric-catalog.ts).
 * `npx tsx scripts/metric-docs.ts` rewrites them in place; test/docs/metrics-doc.test.ts checks
 * that the file holds exactly what this renders.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { METRIC_CATALOG, type MetricGroup } from '../src/collapse/metric-catalog.js';

export const METRICS_DOC = fileURLToPath(new URL('../docs/metrics.md', import.meta.url));

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The table of one group's keys: key, definition, paper figure, collapsed value. */
export function metricTable(group: MetricGroup): string {
  const rows = METRIC_CATALOG.filter((entry) => entry.group === group).map(
    (entry) => `| \`${entry.key}\` | ${cell(entry.definition)} | ${entry.figure === null ? '' : `Fig. ${entry.figure}`} | ${cell(entry.collapsed)} |`,
  );
  return ['| key | definition | paper | collapsed value |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const REGION = /(<!-- metric-table: ([\w-]+) -->)[\s\S]*?(<!-- end metric-table -->)/g;

/** The document with every marked table region replaced by the rendered table of its group. */
export function renderMetricsDoc(text: string): string {
  return text.replace(REGION, (_whole, start: string, group: string, end: string) => `${start}\n${metricTable(group as MetricGroup)}\n${end}`);
}

/** The groups whose tables the document marks. */
export function documentedGroups(text: string): string[] {
  return [...text.matchAll(REGION)].map((match) => match[2]!);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(METRICS_DOC, renderMetricsDoc(readFileSync(METRICS_DOC, 'utf8')));
}
