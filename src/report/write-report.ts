import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { allFigures, type FigureOptions } from './figures.js';
import { renderSvg, svgToPng } from './render-figure.js';
import { reportHtml, type RenderedFigure } from './report-html.js';
import { readRuns, type RunData } from '../run/run-reader.js';
import { table1, type Table1Row } from './table1.js';
import { RUN_FILE_NAMES } from '../run/run-files.js';
import { UsageError } from '../errors.js';

export interface ReportOptions extends FigureOptions {
  /** Also write OUT/figures/NAME.png (default true). */
  png?: boolean;
}

export interface ReportOutput {
  reportPath: string;
  figureFiles: string[];
  table1: Table1Row[];
  runs: RunData[];
}

/** Where the report goes by default: inside the run for one run, ./report for several. */
export function defaultReportDir(runDirs: string[]): string {
  return runDirs.length === 1 ? resolve(runDirs[0]!) : resolve('report');
}

/** Renders every figure of `runs` into OUT/figures and writes OUT/report.html. */
export async function writeReportForRuns(runs: RunData[], outDir: string, options: ReportOptions = {}): Promise<ReportOutput> {
  checkEpoch(runs, options.epoch);
  const out = resolve(outDir);
  const figuresDir = join(out, 'figures');
  await mkdir(figuresDir, { recursive: true });
  const rendered: RenderedFigure[] = [];
  const figureFiles: string[] = [];
  // One figure at a time: each render holds a Vega view; there is no gain in parallel on 2 cores.
  for (const figure of allFigures(runs, options)) {
    const svg = await renderSvg(figure.spec);
    const svgPath = join(figuresDir, `${figure.id}.svg`);
    await writeFile(svgPath, svg);
    figureFiles.push(svgPath);
    let pngFile: string | null = null;
    if (options.png !== false) {
      const pngPath = join(figuresDir, `${figure.id}.png`);
      await writeFile(pngPath, svgToPng(svg));
      figureFiles.push(pngPath);
      pngFile = `figures/${figure.id}.png`;
    }
    rendered.push({ ...figure, svg, svgFile: `figures/${figure.id}.svg`, pngFile });
  }
  const rows = table1(runs);
  const reportPath = join(out, RUN_FILE_NAMES.report);
  await writeFile(reportPath, reportHtml({ runs, figures: rendered, table1: rows, generatedAt: new Date() }));
  return { reportPath, figureFiles, table1: rows, runs };
}

/**
 * Writes OUT/report.html and OUT/figures/* for the runs in `runDirs` and returns the report's path.
 * `ncollapse train` calls it at the end of a run as writeReport([runDir], runDir).
 */
export async function writeReport(runDirs: string[], outDir: string, options: ReportOptions = {}): Promise<string> {
  if (runDirs.length === 0) throw new Error('writeReport: no run directory given');
  const runs = await readRuns(runDirs);
  return (await writeReportForRuns(runs, outDir, options)).reportPath;
}

/**
 * An epoch past a run's end has no geometry of its own: the figures would show the nearest (the
 * last) measured epoch under a title that names another, so it is refused before anything is written.
 */
function checkEpoch(runs: RunData[], epoch: number | undefined): void {
  if (epoch === undefined) return;
  const short = runs.find((run) => epoch > run.config.epochs);
  if (short) throw new UsageError(`--epoch ${epoch}: ${short.name} has ${short.config.epochs} epochs; choose an epoch from 1 to ${short.config.epochs}`);
}
