import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';

import { atomicWriteFile } from '../io/atomic-file.js';
import { makeDirectory } from '../io/make-directory.js';
import { NcollapseError } from '../errors.js';
import { canonicalJson, configId } from './config-id.js';
import { GridFileError } from './grid-file-error.js';
import { SweepDirectoryError } from './sweep-directory-error.js';
import { checkGridSize, DEFAULT_MAX_RUNS, gridPoints, readGrid, type Grid } from './grid.js';
import { SWEEP_KIND, SweepDirectory, type SweepInfo, type SweepRow } from './sweep-directory.js';
import { explicitArgs, optionArgs, parseTrainArgs, rowConfig, type GridValue, type RowConfig } from './grid-options.js';

export { canonicalJson, configId } from './config-id.js';

function wordsOf(name: string, value: GridValue): string[] {
  const words = optionArgs(name, value);
  if (!Array.isArray(words)) throw new Error(`${name}: ${words.problem}`); // checked when the grid was read
  return words;
}

/** The rows of a grid: one fully resolved `train` configuration per combination of the axes. */
export function planRows(grid: Grid): SweepRow[] {
  const rows: SweepRow[] = [];
  const seen = new Map<string, number>();
  for (const point of gridPoints(grid)) {
    const words = [...Object.entries(grid.fixed), ...Object.entries(point)].flatMap(([name, value]) => wordsOf(name, value));
    const index = rows.length;
    const options = parseTrainArgs(words);
    let config: RowConfig;
    try {
      config = rowConfig(options);
    } catch (error) {
      // Settings valid alone that cannot go together (a milestone past the last epoch): the row names the keys.
      if (error instanceof NcollapseError) throw new GridFileError(grid.file, `row ${index} (${canonicalJson({ ...grid.fixed, ...point })}): ${error.message}`);
      throw error;
    }
    const id = configId(config);
    if (seen.has(id)) {
      throw new SweepDirectoryError(grid.file, `rows ${seen.get(id)} and ${index} are the same run (${canonicalJson(point)}); remove the repeated axis value`);
    }
    seen.set(id, index);
    rows.push({ index, id, axes: point, config, args: explicitArgs(options) });
  }
  return rows;
}

export interface PlanResult {
  sweep: SweepDirectory;
  rows: SweepRow[];
  /** false when DIR already held this very plan. */
  created: boolean;
}

/**
 * Writes DIR/sweep.json, DIR/sweep.jsonl, DIR/grid.yaml and one run directory per row. Planning
 * again into the same directory with the same grid changes nothing; a directory that holds
 * anything else (another sweep, other files) is refused, so nothing there is touched.
 */
export function planSweep(gridFile: string, outDir: string, maxRuns = DEFAULT_MAX_RUNS): PlanResult {
  const grid = readGrid(gridFile);
  checkGridSize(grid, maxRuns);
  const rows = planRows(grid);
  const sweep = new SweepDirectory(outDir);
  const rowsText = rows.map((row) => `${JSON.stringify(row)}\n`).join('');

  if (sweep.isSweep()) {
    sweep.readInfo();
    const existing = existsSync(sweep.rowsFile) ? readFileSync(sweep.rowsFile, 'utf8') : '';
    if (existing === rowsText) return { sweep, rows, created: false };
    throw new SweepDirectoryError(
      sweep.root,
      `already holds a different sweep (${sweep.rowsFile} differs from the plan of ${gridFile}); plan into a new directory, its runs are kept as they are`,
    );
  }
  if (existsSync(sweep.root)) {
    const entries = readdirSync(sweep.root);
    if (entries.length > 0) {
      throw new SweepDirectoryError(
        sweep.root,
        `is not empty and is not a sweep (no sweep.json; it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); choose a new or empty directory`,
      );
    }
  }
  // makeDirectory, not mkdirSync: Node's recursive mkdir never returns under /proc (--out /proc/self/x).
  makeDirectory(sweep.root);
  for (const row of rows) mkdirSync(sweep.runDir(row), { recursive: true });
  copyFileSync(gridFile, sweep.gridCopy);
  atomicWriteFile(sweep.rowsFile, rowsText);
  const info: SweepInfo = {
    kind: SWEEP_KIND,
    version: 1,
    name: grid.name,
    description: grid.description,
    grid: gridFile,
    axes: grid.axes.map((axis) => axis.name),
    runs: rows.length,
    createdAt: new Date().toISOString(),
  };
  // sweep.json last: a directory is a sweep only once its rows are all written.
  atomicWriteFile(sweep.infoFile, `${JSON.stringify(info, null, 2)}\n`);
  return { sweep, rows, created: true };
}
