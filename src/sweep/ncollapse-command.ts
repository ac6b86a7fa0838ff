import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * How the sweep starts `ncollapse` itself (a train run, or an array task on a SLURM node): the
 * one place that knows where the executable is. bin/ncollapse picks the TypeScript sources or the
 * compiled dist/ by itself.
 */
export const NCOLLAPSE_BIN = fileURLToPath(new URL('../../bin/ncollapse', import.meta.url));

/** The program and arguments that run `ncollapse ARGS`. */
export function ncollapseCommand(args: string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [NCOLLAPSE_BIN, ...args] };
}

export function spawnNcollapse(args: string[], options: SpawnOptions = {}): ChildProcess {
  const { command, args: argv } = ncollapseCommand(args);
  return spawn(command, argv, options);
}
