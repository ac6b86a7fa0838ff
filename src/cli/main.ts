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

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: EXIT_CODES.sigint, SIGTERM: EXIT_CODES.sigterm };

/**
 * Every command exits 130 on SIGINT and 143 on SIGTERM, never 0. A command without handlers of
 * its own keeps the default: the signal ends it at once (the shell sees 130/143), even inside a
 * long computation. A command that handles the signal to stop cleanly (train checkpoints, serve
 * closes, a sweep stops its runs) may end its work normally afterwards; once it has installed its
 * handler, a recorder is added too, and a process that would then exit 0 exits 128 + the signal.
 */
function exitCodesOnSignals(): void {
  let received: NodeJS.Signals | undefined;
  const record = (signal: NodeJS.Signals) => (received ??= signal);
  const signals = ['SIGINT', 'SIGTERM'] as const;
  // The recorder listens exactly while a command's own handler does: alone, it would swallow the signal.
  const sync = () => {
    for (const signal of signals) {
      const listeners = process.listeners(signal);
      const others = listeners.filter((l) => l !== record).length;
      const recording = listeners.includes(record);
      if (others > 0 && !recording) process.on(signal, record);
      else if (others === 0 && recording) process.off(signal, record);
    }
  };
  const onChange = (event: string | symbol) => {
    if (event === 'SIGINT' || event === 'SIGTERM') queueMicrotask(sync);
  };
  process.on('newListener', onChange);
  process.on('removeListener', onChange);
  process.on('exit', (code) => {
    if (received !== undefined && code === 0) process.exitCode = SIGNAL_EXIT_CODES[received];
  });
}

export async function main(argv: string[]): Promise<void> {
  exitCodesOnSignals();
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
