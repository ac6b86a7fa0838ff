import { disambiguateLabels, readRun, type RunData } from '../run/run-reader.js';
import { runSignature, sameSignature, type RunSignature } from './run-signature.js';
import { RUN_FILE_NAMES } from '../run/run-files.js';
import { invalidSummary, listRunDirs, summarise, type RunSummary } from './runs-index.js';

/** A run as its source knows it: the directory, and the signature of its files when known. */
export interface IndexedRun {
  dir: string;
  signature?: RunSignature;
}

/**
 * Where the cache finds the runs: the watcher's index in the server (no listing per request), a
 * fresh listing of the folder otherwise. The folder is listed once per call, never once per run.
 */
export type RunSource = () => Promise<Map<string, IndexedRun>>;

/** What the cache reads a run with (tests count the calls). */
export type RunReader = (dir: string, options: { geometry: boolean }) => Promise<RunData>;

export function listingSource(runsDir: string): RunSource {
  return async () => new Map([...(await listRunDirs(runsDir))].map(([name, dir]) => [name, { dir }]));
}

/** Runs whose whole data (geometry included) stays in memory for the figures; the rest keep a summary. */
const KEPT_RUNS = 64;

interface SummaryEntry {
  signature: RunSignature;
  summary: RunSummary;
}

interface RunEntry {
  signature: RunSignature;
  run: RunData;
}

/**
 * Reads runs on demand and keeps each until one of its files changes (same size and mtime:
 * same content), so that many browser requests during training do not re-read every file. The
 * run list keeps one summary per run (read without geometry.jsonl, the large file); whole runs
 * are kept for the most recently drawn KEPT_RUNS only.
 */
export class RunCache {
  private readonly summaryEntries = new Map<string, SummaryEntry>();
  private readonly runEntries = new Map<string, RunEntry>();
  private readonly source: RunSource;
  private readonly reader: RunReader;

  constructor(
    readonly runsDir: string,
    options: { source?: RunSource; reader?: RunReader } = {},
  ) {
    this.source = options.source ?? listingSource(runsDir);
    this.reader = options.reader ?? ((dir, readOptions) => readRun(dir, readOptions));
  }

  /** Directory of a run by name, only for runs listed inside runsDir (never a path from a request). */
  async runDir(name: string): Promise<string | null> {
    return (await this.source()).get(name)?.dir ?? null;
  }

  async get(name: string): Promise<RunData | null> {
    return (await this.getMany([name]))[0] ?? null;
  }

  /** Several runs in the order asked, with labels made unique among them; unknown names are skipped. */
  async getMany(names: string[]): Promise<RunData[]> {
    const index = await this.source();
    const runs: RunData[] = [];
    for (const name of names) {
      const indexed = index.get(name);
      if (indexed) runs.push(await this.readWhole(name, indexed.dir));
    }
    return disambiguateLabels(runs);
  }

  /** The summary of every run, read again only for runs whose files changed. */
  async summaries(): Promise<RunSummary[]> {
    const index = await this.source();
    const summaries: RunSummary[] = [];
    for (const [name, { dir, signature }] of index) {
      const current = signature ?? (await runSignature(dir));
      const cached = this.summaryEntries.get(name);
      if (cached && sameSignature(cached.signature, current)) {
        summaries.push(cached.summary);
        continue;
      }
      let summary: RunSummary;
      try {
        const run = { ...(await this.reader(dir, { geometry: false })), name };
        summary = summarise(name, run, current[RUN_FILE_NAMES.report] !== '-');
      } catch (error) {
        summary = invalidSummary(name, error);
      }
      this.summaryEntries.set(name, { signature: current, summary });
      summaries.push(summary);
    }
    for (const name of this.summaryEntries.keys()) if (!index.has(name)) this.summaryEntries.delete(name);
    return summaries;
  }

  /** A whole run, its signature taken now (a few stats): the figures follow every change at once. */
  private async readWhole(name: string, dir: string): Promise<RunData> {
    const signature = await runSignature(dir);
    const cached = this.runEntries.get(name);
    this.runEntries.delete(name); // re-inserted below: the map's order is the order of use
    if (cached && sameSignature(cached.signature, signature)) {
      this.runEntries.set(name, cached);
      return cached.run;
    }
    const run = { ...(await this.reader(dir, { geometry: true })), name };
    this.runEntries.set(name, { signature, run });
    while (this.runEntries.size > KEPT_RUNS) this.runEntries.delete(this.runEntries.keys().next().value!);
    return run;
  }
}
