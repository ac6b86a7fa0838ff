import cliProgress from 'cli-progress';

export interface EpochProgress {
  startEpoch(epoch: number, batches: number): void;
  update(batch: number, loss: number, accuracy: number, samplesPerSecond: number): void;
  endEpoch(summary: string): void;
  stop(): void;
}

/** A bar per epoch (loss, accuracy, samples/s, ETA) on a terminal; one plain line per epoch otherwise. */
export function createProgress(epochs: number, stream: NodeJS.WriteStream = process.stderr, quiet = false): EpochProgress {
  if (quiet) return { startEpoch() {}, update() {}, endEpoch() {}, stop() {} };
  if (!stream.isTTY) return new PlainProgress(epochs, stream);
  return new BarProgress(epochs, stream);
}

class BarProgress implements EpochProgress {
  private readonly bar: cliProgress.SingleBar;
  private epoch = 0;

  constructor(
    private readonly epochs: number,
    stream: NodeJS.WriteStream,
  ) {
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss} | acc {acc} | {speed} samples/s | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  startEpoch(epoch: number, batches: number): void {
    this.epoch = epoch;
    this.bar.start(batches, 0, { epoch, epochs: this.epochs, loss: '-', acc: '-', speed: '-' });
  }

  update(batch: number, loss: number, accuracy: number, samplesPerSecond: number): void {
    this.bar.update(batch, {
      epoch: this.epoch,
      epochs: this.epochs,
      loss: loss.toFixed(4),
      acc: accuracy.toFixed(4),
      speed: Math.round(samplesPerSecond),
    });
  }

  endEpoch(summary: string): void {
    this.bar.stop();
    if (summary) process.stderr.write(`${summary}\n`);
  }

  stop(): void {
    this.bar.stop();
  }
}

class PlainProgress implements EpochProgress {
  private last = { loss: 0, accuracy: 0, speed: 0 };
  private epoch = 0;

  constructor(
    private readonly epochs: number,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  startEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  update(_batch: number, loss: number, accuracy: number, samplesPerSecond: number): void {
    this.last = { loss, accuracy, speed: samplesPerSecond };
  }

  endEpoch(summary: string): void {
    const { loss, accuracy, speed } = this.last;
    this.stream.write(
      `epoch ${this.epoch}/${this.epochs} loss ${loss.toFixed(4)} acc ${accuracy.toFixed(4)} ${Math.round(speed)} samples/s${summary ? ` | ${summary}` : ''}\n`,
    );
  }

  stop(): void {}
}
