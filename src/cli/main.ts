import { Command } from 'commander';

import { EXIT_CODES, NcollapseError } from '../errors.js';

/** Each command lives in its own file and adds itself to the program. */
type Register = (program: Command) => void;

async function commands(): Promise<Register[]> {
  const modules = await Promise.all([
    // command modules are appended here
    import('./train.js'),
    import('./demo.js'),
    import('./report.js'),
    import('./serve.js'),
    import('./analyze.js'),
    import('./launch.js'),
    import('./sweep.js'),
    import('./robustness.js'),
    import('./list-presets.js'),
  ] as Promise<{ register: Register }>[]);
  return modules.map((m) => m.register);
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('ncollapse')
    .description('A neural-collapse laboratory: train into the terminal phase and measure collapse.')
    .showHelpAfterError()
    // `launch` passes the options after its command on to that command.
    .enablePositionalOptions();
  for (const register of await commands()) register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    console.error(`ncollapse: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.NCOLLAPSE_DEBUG && error instanceof Error) console.error(error.stack);
    process.exitCode = error instanceof NcollapseError ? error.exitCode : EXIT_CODES.error;
  }
}
