import { atomicWriteFile } from '../io/atomic-file.js';
import { SweepUsageError } from './sweep-usage-error.js';
import { selectRuns, type CellSelection } from './selection.js';
import type { SweepDirectory } from './sweep-directory.js';

/**
 * `ncollapse report DIR` on a sweep: Table 1 and the figures over the selected run of each
 * (dataset, model, loss) cell, runs coloured by dataset and styled by network, and
 * DIR/summary.json.
 */

export interface SummaryCell {
  dataset: string;
  model: string;
  loss: string;
  selected: {
    id: string;
    index: number;
    dir: string;
    lr: number;
    seed: number;
    finalTestError: number;
    tptEpoch: number | null;
    testAccuracyAtTpt: number | null;
    lastEpoch: number | null;
    testAccuracyAtEnd: number | null;
  } | null;
  note: string | null;
  finished: number;
  diverged: number;
  unfinished: number;
  candidates: CellSelection['candidates'];
}

export interface SweepSummary {
  sweep: string;
  generatedAt: string;
  /** Every run of the sweep is finished or diverged. */
  complete: boolean;
  cells: SummaryCell[];
}

export interface SweepReportOutput {
  summary: SweepSummary;
  table1Markdown: string;
  reportPath: string;
  warnings: string[];
}

export async function writeSweepReport(sweep: SweepDirectory, options: { out?: string; png?: boolean; epoch?: number } = {}): Promise<SweepReportOutput> {
  const info = sweep.readInfo();
  const rows = sweep.readRows();
  const cells = selectRuns(sweep, rows);
  const selected = cells.filter((cell) => cell.selected !== null);
  if (selected.length === 0) {
    throw new SweepUsageError(
      `${sweep.root}: no cell has a finished run to report yet (${cells.map((c) => `${c.dataset} / ${c.model} / ${c.loss}: ${c.note}`).join('; ')})`,
    );
  }
  const { readRuns, table1, table1Markdown, writeReportForRuns } = await import('../report/index.js');
  const runs = await readRuns(selected.map((cell) => sweep.runDir(cell.selected!)));
  // A sweep over --imbalance: every finished run (all ratios and seeds) feeds the figure against R.
  const imbalanced = cells
    .flatMap((cell) => cell.candidates)
    .filter((c) => c.state === 'finished' && rows.find((row) => row.index === c.index)?.config.imbalance);
  const ratioRuns = imbalanced.length > 0 ? await readRuns(imbalanced.map((c) => sweep.runDir(c))) : undefined;
  const output = await writeReportForRuns(runs, options.out ?? sweep.root, { png: options.png, epoch: options.epoch, runStyle: 'dataset-model', ratioRuns });
  const rowsOfTable = table1(runs);
  const summaryCells: SummaryCell[] = cells.map((cell) => {
    const at = selected.indexOf(cell);
    const t1 = at >= 0 ? rowsOfTable[at]! : null;
    const s = cell.selected;
    return {
      dataset: cell.dataset,
      model: cell.model,
      loss: cell.loss,
      selected:
        s && t1
          ? {
              id: s.id,
              index: s.index,
              dir: s.id,
              lr: s.lr,
              seed: s.seed,
              finalTestError: s.finalTestError!,
              tptEpoch: t1.tptEpoch,
              testAccuracyAtTpt: t1.accuracyAtTpt,
              lastEpoch: t1.lastEpoch,
              testAccuracyAtEnd: t1.accuracyAtLast,
            }
          : null,
      note: cell.note,
      finished: cell.finished,
      diverged: cell.diverged,
      unfinished: cell.unfinished,
      candidates: cell.candidates,
    };
  });
  const summary: SweepSummary = {
    sweep: info.name,
    generatedAt: new Date().toISOString(),
    complete: cells.every((cell) => cell.unfinished === 0),
    cells: summaryCells,
  };
  atomicWriteFile(sweep.summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  const warnings = [
    ...cells.filter((cell) => cell.note).map((cell) => `${cell.dataset} / ${cell.model} / ${cell.loss}: ${cell.note}`),
    ...runs.flatMap((run) => run.warnings.map((w) => `${run.name}: ${w}`)),
  ];
  return { summary, table1Markdown: table1Markdown(output.table1), reportPath: output.reportPath, warnings };
}
