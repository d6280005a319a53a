/**
 * Progress while the bench runs: a cli-progress bar on a terminal, one line
 * per step otherwise (CI logs, the harness test), always on stderr so stdout
 * holds only the results table.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  step(label: string): void;
  finish(): void;
}

export function createProgress(total: number, estimatedSeconds: number): Progress {
  if (!process.stderr.isTTY) {
    let done = 0;
    const start = Date.now();
    process.stderr.write(`bench: ${total} runs, about ${Math.ceil(estimatedSeconds)} s\n`);
    return {
      step: (label) => process.stderr.write(`[${++done}/${total}] ${((Date.now() - start) / 1000).toFixed(1)} s ${label}\n`),
      finish: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'bench [{bar}] {value}/{total} | eta {eta_formatted} | {label}', stream: process.stderr, hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: 'starting peers' });
  let started = false;
  return {
    // A step is reported when it starts; the bar advances past the previous one.
    step: (label) => {
      if (started) bar.increment(1, { label });
      else bar.update(0, { label });
      started = true;
    },
    finish: () => {
      bar.update(total, { label: 'done' });
      bar.stop();
    },
  };
}
