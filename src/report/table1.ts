import { metricValue, type RunData } from '../run/run-reader.js';

/**
 * Table 1 of Papyan, Han & Donoho: test accuracy at the start of the terminal phase (tpt_epoch)
 * and at the last epoch. Accuracies are in percent, as in the paper; the change in points.
 */
export interface Table1Row {
  run: string;
  name: string;
  tptEpoch: number | null;
  /**
   * The measured epoch whose test error is used for tpt_epoch: tpt_epoch itself when it was
   * measured, else the first measured epoch after it.
   */
  tptMeasuredEpoch: number | null;
  accuracyAtTpt: number | null;
  lastEpoch: number | null;
  accuracyAtLast: number | null;
  /** accuracyAtLast - accuracyAtTpt, in percentage points. */
  change: number | null;
}

export function table1Row(run: RunData): Table1Row {
  const measured = run.metrics.filter((line) => metricValue(line, 'test_error') !== undefined);
  const accuracy = (line: (typeof measured)[number]) => 100 * (1 - metricValue(line, 'test_error')!);
  const last = measured[measured.length - 1];
  const atTpt = run.tptEpoch === null ? undefined : measured.find((line) => line.epoch >= run.tptEpoch!);
  const accuracyAtTpt = atTpt ? accuracy(atTpt) : null;
  const accuracyAtLast = last ? accuracy(last) : null;
  return {
    run: run.label,
    name: run.name,
    tptEpoch: run.tptEpoch,
    tptMeasuredEpoch: atTpt?.epoch ?? null,
    accuracyAtTpt,
    lastEpoch: last?.epoch ?? null,
    accuracyAtLast,
    change: accuracyAtTpt !== null && accuracyAtLast !== null ? accuracyAtLast - accuracyAtTpt : null,
  };
}

export function table1(runs: RunData[]): Table1Row[] {
  return runs.map(table1Row);
}

export const TABLE1_HEADERS = ['Run', 'Name', 'TPT epoch', 'Test acc. at TPT (%)', 'Last epoch', 'Test acc. at last (%)', 'Change (points)'];

/** The cells of a row as text: "—" where there is no number (the terminal phase not reached). */
export function table1Cells(row: Table1Row): string[] {
  const pct = (value: number | null) => (value === null ? '—' : value.toFixed(2));
  const tptNote = row.tptMeasuredEpoch !== null && row.tptMeasuredEpoch !== row.tptEpoch ? ` (measured at epoch ${row.tptMeasuredEpoch})` : '';
  return [
    row.run,
    row.name,
    row.tptEpoch === null ? 'not reached' : String(row.tptEpoch),
    pct(row.accuracyAtTpt) + (row.accuracyAtTpt === null ? '' : tptNote),
    row.lastEpoch === null ? '—' : String(row.lastEpoch),
    pct(row.accuracyAtLast),
    row.change === null ? '—' : (row.change >= 0 ? '+' : '') + row.change.toFixed(2),
  ];
}

export function table1Markdown(rows: Table1Row[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const lines = [
    `| ${TABLE1_HEADERS.join(' | ')} |`,
    `| ${TABLE1_HEADERS.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${table1Cells(row).map(escape).join(' | ')} |`),
  ];
  return lines.join('\n');
}
