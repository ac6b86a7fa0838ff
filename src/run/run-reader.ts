import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  geometryLineSchema,
  metricsLineSchema,
  runConfigSchema,
  runStatusSchema,
  type GeometryLine,
  type MetricsLine,
  type RunConfig,
  type RunStatus,
} from './run-schema.js';
import { parseJsonLines } from './json-lines.js';
import { RUN_FILE_NAMES } from './run-files.js';
import { NcollapseError } from '../errors.js';

/** Everything the report and the dashboard know about one run directory. */
export interface RunData {
  dir: string;
  /** config.name, else the directory's name. */
  name: string;
  /** "dataset / model / loss", made unique among the runs read together (see readRuns). */
  label: string;
  config: RunConfig;
  /** null while status.json is absent or unreadable (a run that has just started). */
  status: RunStatus | null;
  /** In increasing epoch, one line per epoch. */
  metrics: MetricsLine[];
  geometry: GeometryLine[];
  /** status.tptEpoch, else the metrics' tpt_epoch, else the first measured epoch with zero training error. */
  tptEpoch: number | null;
  classNames: string[];
  /** Lines that were skipped, and why: for the reader of the report, not an error. */
  warnings: string[];
}

/** A running run whose status.json has not been rewritten for this long is shown as stale. */
export const STALE_AFTER_MS = 5 * 60 * 1000;

export class RunReadError extends NcollapseError {}

export function runLabel(config: RunConfig): string {
  return `${config.dataset} / ${config.model} / ${config.loss}`;
}

/** A metric of a line as a finite number, or undefined when absent (null and NaN count as absent). */
export function metricValue(line: MetricsLine, key: string): number | undefined {
  const value = (line as Record<string, unknown>)[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function isStale(status: RunStatus | null, now = Date.now()): boolean {
  if (status?.state !== 'running' || !status.updatedAt) return false;
  const updated = Date.parse(status.updatedAt);
  return Number.isFinite(updated) && now - updated > STALE_AFTER_MS;
}

async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Sorts by epoch and keeps the last line written for an epoch. A well-behaved run never repeats
 * one (a resume truncates the lines after its checkpoint first), so a repeat means two writers or
 * a hand-edited file: the reader is told, never left to trust a silently chosen line.
 */
function byEpoch<T extends { epoch: number }>(rows: T[], file: string, warnings: string[]): T[] {
  const latest = new Map<number, T>();
  const repeated = new Set<number>();
  for (const row of rows) {
    if (latest.has(row.epoch)) repeated.add(row.epoch);
    latest.set(row.epoch, row);
  }
  if (repeated.size > 0) {
    const epochs = [...repeated].sort((a, b) => a - b);
    const shown = epochs.slice(0, 5).join(', ') + (epochs.length > 5 ? `, ... (${epochs.length} epochs)` : '');
    warnings.push(`${file}: epoch ${shown} appears more than once (two writers, or an edited file); the last line of each is used`);
  }
  return [...latest.values()].sort((a, b) => a.epoch - b.epoch);
}

function findTptEpoch(status: RunStatus | null, metrics: MetricsLine[]): number | null {
  if (status?.tptEpoch != null) return status.tptEpoch;
  for (const line of metrics) if (line.tpt_epoch != null) return line.tpt_epoch;
  for (const line of metrics) if (metricValue(line, 'train_error') === 0) return line.epoch;
  return null;
}

/** geometry: false skips geometry.jsonl (the largest file), for readers that only list runs. */
export async function readRun(runDir: string, options: { geometry?: boolean } = {}): Promise<RunData> {
  const dir = resolve(runDir);
  const configPath = join(dir, RUN_FILE_NAMES.config);
  const configText = await readTextIfExists(configPath);
  if (configText === null) throw new RunReadError(`${configPath} is missing: ${runDir} is not a run directory`);
  let configJson: unknown;
  try {
    configJson = JSON.parse(configText);
  } catch (error) {
    throw new RunReadError(`${configPath} is not valid JSON: ${(error as Error).message}`);
  }
  const configParsed = runConfigSchema.safeParse(configJson);
  if (!configParsed.success) {
    const issue = configParsed.error.issues[0];
    throw new RunReadError(`${configPath}: ${issue?.path.join('.') || 'config'}: ${issue?.message ?? 'invalid'}`);
  }
  const config = configParsed.data;
  const warnings: string[] = [];

  // status.json is rewritten atomically, so a parse failure means an old or foreign file: show no status.
  let status: RunStatus | null = null;
  const statusText = await readTextIfExists(join(dir, RUN_FILE_NAMES.status));
  if (statusText !== null) {
    try {
      const parsed = runStatusSchema.safeParse(JSON.parse(statusText));
      if (parsed.success) status = parsed.data;
      else warnings.push(`${RUN_FILE_NAMES.status}: ignored: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    } catch {
      warnings.push(`${RUN_FILE_NAMES.status}: ignored: not valid JSON`);
    }
  }

  const metricsText = (await readTextIfExists(join(dir, RUN_FILE_NAMES.metrics))) ?? '';
  const metrics = byEpoch(parseJsonLines(metricsText, metricsLineSchema, RUN_FILE_NAMES.metrics, warnings), RUN_FILE_NAMES.metrics, warnings);
  const geometryText = options.geometry === false ? '' : ((await readTextIfExists(join(dir, RUN_FILE_NAMES.geometry))) ?? '');
  const geometry = byEpoch(parseJsonLines(geometryText, geometryLineSchema, RUN_FILE_NAMES.geometry, warnings), RUN_FILE_NAMES.geometry, warnings);

  const classNames = Array.from({ length: config.numClasses }, (_, c) => config.classNames?.[c] ?? String(c));
  return {
    dir,
    name: config.name ?? basename(dir),
    label: runLabel(config),
    config,
    status,
    metrics,
    geometry,
    tptEpoch: findTptEpoch(status, metrics),
    classNames,
    warnings,
  };
}

/** Reads several runs; two runs with the same "dataset / model / loss" get their name appended. */
export async function readRuns(runDirs: string[]): Promise<RunData[]> {
  const runs = await Promise.all(runDirs.map((dir) => readRun(dir)));
  return disambiguateLabels(runs);
}

export function disambiguateLabels(runs: RunData[]): RunData[] {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.label, (counts.get(run.label) ?? 0) + 1);
  const used = new Set<string>();
  return runs.map((run) => {
    let label = (counts.get(run.label) ?? 0) > 1 ? `${run.label} (${run.name})` : run.label;
    for (let i = 2; used.has(label); i++) label = `${run.label} (${run.name} #${i})`;
    used.add(label);
    return { ...run, label };
  });
}
