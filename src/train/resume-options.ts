import { UsageError } from '../errors.js';
import type { TrainConfig, TrainOptions } from './config.js';
import { flagOf, settingKeys, type SettingKey } from './option-table.js';

/** The settings a resumed run uses, and what it says about the options it was given. */
export interface ResumeSettings {
  settings: TrainConfig;
  notices: string[];
  /** True when --epochs lengthened the run; config.json is rewritten with the new length. */
  extended: boolean;
}

/**
 * A resumed run keeps the settings in its config.json. Options given on the command line that
 * differ from them are ignored, and each is named by its flag; the one exception is a longer
 * --epochs, which extends the run (its lr milestones stay where config.json put them). A shorter
 * --epochs is refused: the run cannot end before the epochs it already holds.
 */
export function resumeSettings(saved: TrainConfig, explicit: Partial<TrainOptions>, configFile: string): ResumeSettings {
  const settings = { ...saved };
  const notices: string[] = [];
  let extended = false;
  for (const [key, value] of Object.entries(explicit) as [SettingKey, unknown][]) {
    if (value === undefined || !settingKeys.includes(key)) continue;
    const current = saved[key];
    if (JSON.stringify(value) === JSON.stringify(current)) continue;
    if (key === 'epochs' && typeof value === 'number') {
      if (value < saved.epochs) {
        throw new UsageError(`--epochs ${value}: the run in ${configFile} has 'epochs' ${saved.epochs}; a run can be extended with --resume, not shortened`);
      }
      settings.epochs = value;
      extended = true;
      notices.push(`--resume --epochs ${value}: extending the run from ${saved.epochs} to ${value} epochs`);
      continue;
    }
    notices.push(`--resume: ignoring ${flagOf(key)} ${JSON.stringify(value)}; the run keeps ${JSON.stringify(current)} from ${configFile}`);
  }
  return { settings, notices, extended };
}

/**
 * A data-parallel run splits each global batch and its BatchNorm statistics over its processes,
 * so the same run continued under another world size would train differently from then on.
 * config.json of a run from before the world size was recorded says nothing, and is not checked.
 */
export function checkResumeWorldSize(saved: unknown, current: number, configFile: string): void {
  if (saved === undefined || saved === current) return;
  const how = (n: unknown) => (n === 1 ? 'one process (no launch/srun)' : `${String(n)} processes (launch --nproc ${String(n)} or srun)`);
  throw new UsageError(
    `--resume: the run in ${configFile} was trained with world size ${String(saved)} and would continue with ${current}; resume it with ${how(saved)}`,
  );
}
