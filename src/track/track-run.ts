import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import { InputFileError } from '../errors.js';
import { makeDirectory } from '../io/make-directory.js';
import { RunDirectory } from '../run/run-directory.js';
import { type RunState, type TrackedConfig } from '../run/run-schema.js';
import { NCOLLAPSE_VERSION } from '../train/trainer.js';
import { DONE_MARKER_NAME, type DumpFile, dumpVersion, listDumps } from './dump-files.js';
import { measureDumpFile, type DumpMeasurement } from './measure-dump.js';
import { measureShardDump } from './measure-shard-dump.js';
import { existingTrackedConfig, trackedConfig, type TrackedRunSettings } from './tracked-config.js';

export interface TrackOptions extends TrackedRunSettings {
  /** The folder the user's training writes its dumps into. */
  dumpDir: string;
  /** The run directory to write. */
  runDir: string;
  /** Follow the folder until the DONE marker appears or `signal` aborts. */
  watch?: boolean;
  /** --watch: how often the folder is listed. */
  pollMs?: number;
  /** --watch: a dump is read once its size and time have not changed for this long. */
  settleMs?: number;
  /** Stops tracking between two dumps (Ctrl-C, SIGTERM). */
  signal?: AbortSignal;
  /** Where progress and skipped dumps are reported (the CLI prints them). */
  log?: (line: string) => void;
}

export interface TrackResult {
  state: RunState;
  /** The epochs measured by this call, in the order measured. */
  measured: number[];
  /** Dumps that could not be measured (each named with why), as of the end. */
  skipped: { file: string; reason: string }[];
}

const DEFAULT_POLL_MS = 1000;
const DEFAULT_SETTLE_MS = 2000;
/** Well under the dashboard's STALE_AFTER_MS (5 minutes). */
const STATUS_REFRESH_MS = 60_000;

/** A dump seen in the folder: the version of the file when it was seen, and since when. */
interface Sighting {
  version: string;
  since: number;
}

/**
 * `ncollapse track`: measures each per-epoch dump of a folder into a run directory (docs/track.md).
 * An epoch already in metrics.jsonl is not measured again; a dump that cannot be read or measured
 * is named, skipped and tried again when it changes. With `watch`, the folder is followed until
 * the DONE marker appears (state "finished") or the signal aborts (state "interrupted").
 */
export async function trackDumps(options: TrackOptions): Promise<TrackResult> {
  const log = options.log ?? (() => {});
  const stats = statSync(options.dumpDir, { throwIfNoEntry: false });
  if (!stats?.isDirectory())
    throw new InputFileError(options.dumpDir, 'is not a folder: expected the folder that holds the epoch-NNNN.npz or .safetensors dumps');
  const run = new RunDirectory(options.runDir);
  let config: TrackedConfig | null = existingTrackedConfig(options.runDir, options.dumpDir);
  makeDirectory(options.runDir);

  const lines = new Map<number, { train_error?: number }>(run.readMetrics().map((line) => [line.epoch, line as { train_error?: number }]));
  const failed = new Map<string, { version: string; reason: string }>();
  const sightings = new Map<string, Sighting>();
  const measured: number[] = [];
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;

  const tptEpoch = (upTo = Infinity): number | null => {
    const zero = [...lines].filter(([epoch, line]) => epoch <= upTo && line.train_error === 0).map(([epoch]) => epoch);
    return zero.length > 0 ? Math.min(...zero) : null;
  };
  const writeStatus = (state: RunState, message: string | null = null) => {
    const last = lines.size > 0 ? Math.max(...lines.keys()) : 0;
    run.writeStatus({ state, epoch: last, epochs: Math.max(config?.epochs ?? 1, last, 1), tptEpoch: tptEpoch(), message });
  };

  const record = (dump: DumpFile, measurement: DumpMeasurement) => {
    if (config === null) {
      config = trackedConfig(options, options.dumpDir, measurement, dump.epoch, measurement.dumpWeightDecay, NCOLLAPSE_VERSION);
      run.writeConfig(config);
    } else if (options.epochs === undefined && dump.epoch > config.epochs) {
      config = { ...config, epochs: dump.epoch };
      run.writeConfig(config);
    }
    const inOrder = [...lines.keys()].every((epoch) => epoch < dump.epoch);
    lines.set(dump.epoch, measurement.metrics);
    const line = { epoch: dump.epoch, ...measurement.metrics, tpt_epoch: tptEpoch(dump.epoch), ...(measurement.layers ? { layers: measurement.layers } : {}) };
    const geometry = measurement.geometry ? { epoch: dump.epoch, ...measurement.geometry } : undefined;
    if (inOrder) {
      run.appendMetrics(line);
      if (geometry) run.appendGeometry(geometry);
      return;
    }
    // An earlier epoch (a dump fixed after later ones were measured): the files stay in increasing
    // epoch, as docs/run-directory.md says, and every later line's tpt_epoch is brought up to date.
    const metrics = [...run.readMetrics().filter((r) => r.epoch !== dump.epoch), line].sort((a, b) => a.epoch - b.epoch);
    run.rewriteMetrics(metrics.map((r) => ({ ...r, tpt_epoch: tptEpoch(r.epoch) })));
    if (geometry) run.rewriteGeometry([...run.readGeometry().filter((r) => r.epoch !== dump.epoch), geometry].sort((a, b) => a.epoch - b.epoch));
  };

  /** Reads and measures one dump; a problem is returned (to be named), never thrown. */
  const take = (dump: DumpFile): string | null => {
    if (dump.epoch < 1) return "epochs count from 1 (the run directory's epochs are 1-based): name a dump after the epoch it ends";
    try {
      const measureOptions = { loss: options.loss, weightDecay: options.weightDecay };
      const measurement = dump.folder ? measureShardDump(dump.path, measureOptions) : measureDumpFile(dump.path, measureOptions);
      if (config !== null && (measurement.numClasses !== config.numClasses || measurement.dim !== config.source.featureDim)) {
        return `C = ${measurement.numClasses}, p = ${measurement.dim}, but the run has C = ${config.numClasses}, p = ${config.source.featureDim} (from its first dump): every dump must have the same classes and feature dimension`;
      }
      record(dump, measurement);
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };

  /** One look at the folder: measures every new dump that is ready. `settled`: false takes every dump as it is now. */
  const pass = async (settled: boolean) => {
    const dumps = listDumps(options.dumpDir);
    // A dump removed since it failed is no longer a problem of this run.
    for (const name of failed.keys()) if (!dumps.some((d) => d.name === name)) failed.delete(name);
    const perEpoch = new Map<number, DumpFile[]>();
    for (const dump of dumps) perEpoch.set(dump.epoch, [...(perEpoch.get(dump.epoch) ?? []), dump]);
    for (const [epoch, files] of perEpoch) {
      // A measurement blocks the event loop: let a Ctrl-C that came during it be seen before the next.
      await turn();
      if (options.signal?.aborted) return;
      if (lines.has(epoch)) continue;
      const dump = files[0]!;
      const version = files.map(dumpVersion).join('|');
      if (failed.get(dump.name)?.version === version) continue;
      if (settled) {
        const seen = sightings.get(dump.name);
        if (seen?.version !== version) {
          sightings.set(dump.name, { version, since: Date.now() });
          continue;
        }
        if (Date.now() - seen.since < settleMs) continue;
      }
      const problem = files.length > 1 ? `two dumps for epoch ${epoch} (${files.map((f) => f.name).join(', ')}): keep one` : take(dump);
      if (problem === null) {
        failed.delete(dump.name);
        measured.push(epoch);
        log(`epoch ${epoch}: measured ${dump.name}`);
        writeStatus('running');
        statusWritten = Date.now();
      } else {
        failed.set(dump.name, { version, reason: problem });
        log(`skipped ${dump.path}: ${problem}`);
      }
    }
  };

  writeStatus('running');
  let statusWritten = Date.now();
  let state: RunState = 'finished';
  if (!options.watch) {
    await pass(false);
  } else {
    for (;;) {
      const done = existsSync(join(options.dumpDir, DONE_MARKER_NAME));
      // After the marker the writer has finished: every dump is complete, so none waits to settle.
      await pass(!done);
      // A live run's status is rewritten now and then, so that a slow epoch does not look stale on the dashboard.
      if (Date.now() - statusWritten > STATUS_REFRESH_MS) {
        writeStatus('running');
        statusWritten = Date.now();
      }
      if (options.signal?.aborted) break;
      if (done) break;
      try {
        await sleep(pollMs, undefined, { signal: options.signal });
      } catch {
        break; // aborted
      }
    }
  }
  if (options.signal?.aborted) state = 'interrupted';
  const skipped = [...failed].map(([name, { reason }]) => ({ file: join(options.dumpDir, name), reason }));
  writeStatus(state, skipped.length > 0 ? `skipped ${skipped.length} dump${skipped.length > 1 ? 's' : ''}: ${skipped.map((s) => s.file).join(', ')}` : null);
  return { state, measured, skipped };
}
