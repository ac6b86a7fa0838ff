/**
 * Notes SIGINT and SIGTERM instead of dying, so that the trainer can checkpoint and stop at the
 * next batch. `dispose` removes the handlers; without `enabled` it installs none (a library caller
 * keeps its own).
 */
export class SignalWatch {
  private received: NodeJS.Signals | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.received = signal;
  };

  constructor(private readonly enabled: boolean) {
    if (!enabled) return;
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  get interrupted(): boolean {
    return this.received !== undefined;
  }

  /** The signal that asked the run to stop. */
  get signal(): NodeJS.Signals | undefined {
    return this.received;
  }

  dispose(): void {
    if (!this.enabled) return;
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
