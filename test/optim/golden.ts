import { readFileSync } from 'node:fs';

import type { SGDOptions } from '../../src/optim/index.js';

/** Reads a JSON fixture written by test/fixtures/optim/make_optim_golden.py. */
export function readGolden<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/optim/${name}`, import.meta.url), 'utf8')) as T;
}

type Values = Record<string, number[]>;

export interface SGDRun {
  initial: Values;
  grads: Record<string, number[] | null>[];
  after: Values[];
}

export interface SGDGolden {
  torch: string;
  steps: number;
  shapes: Record<string, number[]>;
  configs: Record<string, { options: Record<string, unknown>; float64: SGDRun; float32: SGDRun }>;
}

export interface SchedulerGolden {
  epochs: number;
  baseLrs: number[];
  [schedule: string]: unknown;
}

/** torch.optim.SGD's keyword arguments (snake_case) as our options. */
export function sgdOptions(python: Record<string, unknown>): Partial<SGDOptions> {
  const names: Record<string, keyof SGDOptions> = {
    lr: 'lr',
    momentum: 'momentum',
    dampening: 'dampening',
    weight_decay: 'weightDecay',
    nesterov: 'nesterov',
    maximize: 'maximize',
  };
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(python)) {
    if (key === 'groups') continue;
    const name = names[key];
    if (name === undefined) throw new Error(`unknown SGD option '${key}' in the golden file`);
    options[name] = value;
  }
  return options as Partial<SGDOptions>;
}
