import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { disambiguateLabels, readRun, type RunData } from '../run/run-reader.js';
import { changedFiles, runSignature, type RunSignature } from './run-signature.js';
import { RUN_FILE_NAMES } from '../run/run-files.js';
import { invalidSummary, listRunDirs, summarise, type RunSummary } from './runs-index.js';

/**
 * Reads runs on demand and keeps each until one of its files changes (same size and mtime:
 * same content), so that many browser requests during training do not re-read every file.
 */
export class RunCache {
  private readonly entries = new Map<string, { signature: RunSignature; run: RunData }>();

  constructor(readonly runsDir: string) {}

  /** Directory of a run by name, only for runs listed inside runsDir (never a path from a request). */
  async runDir(name: string): Promise<string | null> {
    return (await listRunDirs(this.runsDir)).get(name) ?? null;
  }

  async get(name: string): Promise<RunData | null> {
    const dir = await this.runDir(name);
    if (!dir) return null;
    const signature = await runSignature(dir);
    const cached = this.entries.get(name);
    if (cached && changedFiles(cached.signature, signature).length === 0) return cached.run;
    const run = { ...(await readRun(dir)), name };
    this.entries.set(name, { signature, run });
    return run;
  }

  /** Several runs in the order asked, with labels made unique among them; unknown names are skipped. */
  async getMany(names: string[]): Promise<RunData[]> {
    const runs: RunData[] = [];
    for (const name of names) {
      const run = await this.get(name);
      if (run) runs.push(run);
    }
    return disambiguateLabels(runs);
  }

  async summaries(): Promise<RunSummary[]> {
    const dirs = await listRunDirs(this.runsDir);
    const summaries: RunSummary[] = [];
    for (const [name, dir] of dirs) {
      try {
        const run = await this.get(name);
        if (!run) continue;
        const hasReport = await access(join(dir, RUN_FILE_NAMES.report)).then(() => true, () => false);
        summaries.push(summarise(name, run, hasReport));
      } catch (error) {
        summaries.push(invalidSummary(name, error));
      }
    }
    return summaries;
  }
}
