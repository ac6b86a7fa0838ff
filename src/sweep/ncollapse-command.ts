import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * How the sweep starts `ncollapse` itself (a train run, or an array task on a SLURM node): the
 * one place that knows where the executable is: bin/ncollapse of this package, two folders up from
 * src/sweep/ and three from the compiled dist/src/sweep/.
 */
export const NCOLLAPSE_BIN =
  ['../../bin/ncollapse', '../../../bin/ncollapse'].map((path) => fileURLToPath(new URL(path, import.meta.url))).find((path) => existsSync(path)) ??
  fileURLToPath(new URL('../../../bin/ncollapse', import.meta.url));

/** The program and arguments that run `ncollapse ARGS`. */
export function ncollapseCommand(args: string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [NCOLLAPSE_BIN, ...args] };
}

export function spawnNcollapse(args: string[], options: SpawnOptions = {}): ChildProcess {
  const { command, args: argv } = ncollapseCommand(args);
  return spawn(command, argv, options);
}
