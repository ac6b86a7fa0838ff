import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { Command, InvalidArgumentError } from 'commander';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Live dashboard of the runs in RUNS_DIR at http://127.0.0.1:PORT (local only)')
    .argument('[runsDir]', 'directory holding run directories', 'runs')
    .option('-p, --port <port>', 'port on 127.0.0.1 (0: any free port)', port, 8080)
    .action(async (runsDir: string, options: { port: number }) => {
      const { startDashboard } = await import('../serve/index.js');
      if (existsSync(runsDir) && !statSync(runsDir).isDirectory()) throw new UsageError(`${runsDir} is a file, not a folder of run directories`);
      if (!existsSync(runsDir)) console.error(`ncollapse serve: ${runsDir} does not exist yet; its runs will show when it does`);
      const dashboard = await startDashboard({ runsDir, port: options.port });
      await new Promise<void>((resolvePromise) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void dashboard.close().then(resolvePromise);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        // Printed once Ctrl-C is handled: whoever stops the dashboard on seeing the address gets a clean stop.
        console.log(`ncollapse dashboard: ${dashboard.url} (runs in ${runsDir}; Ctrl-C to stop)`);
      });
    });
}
