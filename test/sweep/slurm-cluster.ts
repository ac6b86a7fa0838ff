import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const SCRIPTS = fileURLToPath(new URL('../../scripts/slurm/', import.meta.url));

/** A one-node SLURM cluster of the test's own (scripts/slurm/start.sh); stop() always stops it. */
export interface TestCluster {
  state: string;
  slurmConf: string;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<TestCluster> {
  const state = mkdtempSync(join(tmpdir(), 'ncollapse-slurm-'));
  const stop = async () => {
    await execFileAsync('bash', [join(SCRIPTS, 'stop.sh'), state]).catch(() => undefined);
  };
  try {
    const { stdout } = await execFileAsync('bash', [join(SCRIPTS, 'start.sh'), state], { timeout: 90_000 });
    const slurmConf = /^SLURM_CONF=(.+)$/m.exec(stdout)?.[1];
    if (!slurmConf) throw new Error(`start.sh printed no SLURM_CONF: ${stdout}`);
    return { state, slurmConf, stop };
  } catch (error) {
    await stop();
    const e = error as Error & { stderr?: string };
    throw new Error(`could not start SLURM for the test (scripts/setup.sh --test installs slurm-wlm and munge): ${e.stderr?.trim() || e.message}`, {
      cause: error,
    });
  }
}

export async function slurm(command: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(command, args, { encoding: 'utf8' });
  return stdout;
}
