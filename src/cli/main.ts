import { Command, CommanderError } from 'commander';

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
    import('./track.js'),
  ] as Promise<{ register: Register }>[]);
  return modules.map((m) => m.register);
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('ncollapse')
    .description('A neural-collapse laboratory: train into the terminal phase and measure collapse.')
    // Commander's errors read as ncollapse's own, and exit 2 (below) instead of commander's 1.
    .configureOutput({ outputError: (message, write) => write(message.replace(/^error: /, 'ncollapse: ')) })
    .exitOverride()
    // `launch` passes the options after its command on to that command.
    .enablePositionalOptions();
  for (const register of await commands()) register(program);
  pointToHelp(program, 'ncollapse');
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message. Help and --version end with 0; every other is a usage error.
      process.exitCode = error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
      return;
    }
    console.error(`ncollapse: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.NCOLLAPSE_DEBUG && error instanceof Error) console.error(error.stack);
    process.exitCode = error instanceof NcollapseError ? error.exitCode : EXIT_CODES.error;
  }
}

/** A bad option or argument prints its message and where the usage is, not the whole help. */
function pointToHelp(command: Command, path: string): void {
  command.showHelpAfterError(`(${path} --help shows the usage)`);
  for (const sub of command.commands) pointToHelp(sub, `${path} ${sub.name()}`);
}
