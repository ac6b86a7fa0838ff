import { SweepDirectory } from '../sweep/sweep-directory.js';
import { writeSweepReport } from '../sweep/sweep-report.js';

/** `ncollapse report SWEEP_DIR`: prints Table 1 of the selected runs and where the report and summary.json are. */
export async function reportSweep(dir: string, options: { out?: string; epoch?: number; png: boolean }): Promise<void> {
  const sweep = new SweepDirectory(dir);
  const output = await writeSweepReport(sweep, options);
  for (const warning of output.warnings) console.error(`ncollapse report: ${warning}`);
  console.log(`Table 1 (the selected run of each cell: lowest final test error)`);
  console.log(output.table1Markdown);
  console.log('');
  for (const cell of output.summary.cells) {
    if (cell.selected)
      console.log(`${cell.dataset} / ${cell.model} / ${cell.loss}: selected lr ${cell.selected.lr} (seed ${cell.selected.seed}, run ${cell.selected.id})`);
  }
  console.log(`summary: ${sweep.summaryFile}`);
  console.log(`report: ${output.reportPath}`);
}
