import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { positiveInteger } from '../options/option-parsers.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('Write an HTML report with the figures of one or more runs (SVG and PNG in OUT/figures) and print Table 1')
    .argument('<runs...>', 'run directories (several runs are overlaid in every figure), or one sweep directory')
    .option('-o, --out <dir>', 'output directory (default: the run directory for one run, ./report for several)')
    .option('-e, --epoch <n>', 'epoch of the geometry figures (default: the last measured one)', positiveInteger)
    .option('--no-png', 'write SVG figures only')
    .action(async (runDirs: string[], options: { out?: string; epoch?: number; png: boolean }) => {
      if (runDirs.length === 1 && existsSync(join(runDirs[0]!, 'sweep.json'))) {
        // A sweep: Table 1 and the figures over the selected run of each cell, and summary.json.
        const { reportSweep } = await import('./sweep-report.js');
        await reportSweep(runDirs[0]!, options);
        return;
      }
      // Loaded here, not at the top: vega is heavy and every other command would pay for it.
      const { defaultReportDir, readRuns, table1Markdown, writeReportForRuns } = await import('../report/index.js');
      const runs = await readRuns(runDirs);
      const outDir = options.out ?? defaultReportDir(runDirs);
      const output = await writeReportForRuns(runs, outDir, { epoch: options.epoch, png: options.png });
      for (const run of runs) {
        for (const warning of run.warnings) console.error(`ncollapse report: ${run.name}: ${warning}`);
      }
      console.log(table1Markdown(output.table1));
      console.log('');
      console.log(`report: ${output.reportPath}`);
    });
}
