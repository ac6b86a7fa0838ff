import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who a process is, precisely enough to tell it from a later process that reuses its pid: the pid,
 * its start time in clock ticks since boot (field 22 of /proc/PID/stat, which the kernel never
 * changes for a living process), its command line, and the host. A bare pid is never enough:
 * pids are reused within minutes on a busy machine.
 */
export interface ProcessIdentity {
  pid: number;
  /** /proc/PID/stat's starttime; null where there is no /proc (then only the pid can be checked). */
  startTicks: string | null;
  /** /proc/PID/cmdline with its NUL separators as spaces; '' where there is no /proc. */
  command: string;
  host: string;
}

/** starttime and cmdline of a running pid, or null when no such process runs (or /proc says nothing). */
function procEntry(pid: number): { startTicks: string; command: string } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')': count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, field 3 (state) is index 0, so field 22 (starttime) is index 19.
  const startTicks = fields[19];
  if (startTicks === undefined || !/^\d+$/.test(startTicks)) return null;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replaceAll('\0', ' ');
  } catch {
    // A process that is exiting has no cmdline any more; its start time still identifies it.
  }
  return { startTicks, command };
}

const hasProc = (): boolean => procEntry(process.pid) !== null;

export function currentProcess(): ProcessIdentity {
  const entry = procEntry(process.pid);
  return { pid: process.pid, startTicks: entry?.startTicks ?? null, command: entry?.command ?? '', host: hostname() };
}

export function sameProcess(a: ProcessIdentity, b: ProcessIdentity): boolean {
  return a.pid === b.pid && a.startTicks === b.startTicks && a.host === b.host;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process `who` names is still running:
 * - 'alive': on this host, the pid runs and has the recorded start time (and command, when asked);
 * - 'gone': on this host, and no such process runs (the pid is free, or reused by another process);
 * - 'unknown': recorded on another host, which this process cannot look into.
 */
export function processState(who: ProcessIdentity, options: { checkCommand?: boolean } = {}): 'alive' | 'gone' | 'unknown' {
  if (who.host !== hostname()) return 'unknown';
  if (!Number.isInteger(who.pid) || who.pid <= 0) return 'gone';
  if (!hasProc()) return pidExists(who.pid) ? 'alive' : 'gone';
  const entry = procEntry(who.pid);
  if (entry === null || entry.startTicks !== who.startTicks) return 'gone';
  if (options.checkCommand && entry.command !== who.command) return 'gone';
  return 'alive';
}

/** "pid 123 on host h (node ... train --out R)", for messages. */
export function describeProcess(who: ProcessIdentity): string {
  const command = who.command.length > 160 ? `${who.command.slice(0, 157)}...` : who.command;
  return `pid ${who.pid} on host ${who.host}${command ? ` (${command})` : ''}`;
}

export function parseProcessIdentity(value: unknown): ProcessIdentity | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (!Number.isInteger(v.pid) || typeof v.host !== 'string' || typeof v.command !== 'string') return null;
  if (v.startTicks !== null && (typeof v.startTicks !== 'string' || !/^\d+$/.test(v.startTicks))) return null;
  return { pid: v.pid as number, startTicks: v.startTicks as string | null, command: v.command, host: v.host };
}
