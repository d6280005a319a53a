/**
 * How `expressway migrate` shows where it is: one numbered line per step
 * (`[3/7] Starting apps`), an indented detail line under it, and a
 * cli-progress bar for the long steps when stderr is a terminal. The
 * orchestration (migrate.ts) only calls the Reporter interface, so the API
 * can run silent and tests can collect the steps.
 */
import type { Writable } from 'node:stream';

export interface Counter {
  update(done: number, total: number): void;
  stop(): void;
}

export interface Reporter {
  step(title: string): void;
  detail(text: string): void;
  warn(text: string): void;
  /** A bar for `label` (files, requests); a no-op without a terminal. */
  counter(label: string): Counter;
}

export const STEP_TITLES = [
  'Copying the app',
  'Running the codemods',
  'Choosing the traffic',
  'Starting the apps',
  'Replaying and comparing',
  'Benchmarking',
  'Writing the report',
] as const;

const NO_COUNTER: Counter = { update() {}, stop() {} };

export const silentReporter: Reporter = {
  step() {},
  detail() {},
  warn() {},
  counter: () => NO_COUNTER,
};

export interface TerminalReporterOptions {
  stream?: Writable & { isTTY?: boolean };
  /** Bars and colour; default: whether the stream is a terminal. */
  tty?: boolean;
}

export async function createTerminalReporter(options: TerminalReporterOptions = {}): Promise<Reporter> {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const { default: pc } = await import('picocolors');
  const colors = pc.createColors(tty);
  const cliProgress = tty ? (await import('cli-progress')).default : undefined;
  let index = 0;
  const started = performance.now();
  return {
    step(title) {
      index++;
      // The clock says which step is slow on a slow machine.
      const at = colors.dim(`(${((performance.now() - started) / 1000).toFixed(1)}s)`);
      stream.write(`${colors.bold(colors.cyan(`[${index}/${STEP_TITLES.length}]`))} ${colors.bold(title)} ${at}\n`);
    },
    detail(text) {
      stream.write(`      ${colors.dim(text)}\n`);
    },
    warn(text) {
      stream.write(`      ${colors.yellow(`warning: ${text}`)}\n`);
    },
    counter(label) {
      if (!cliProgress) return NO_COUNTER;
      const bar = new cliProgress.SingleBar({
        stream,
        format: `      [{bar}] {value}/{total} ${label}`,
        clearOnComplete: true,
        hideCursor: true,
      }, cliProgress.Presets.shades_classic);
      let started = false;
      return {
        update(done, total) {
          if (!started) {
            bar.start(total, done);
            started = true;
          } else {
            bar.setTotal(total);
            bar.update(done);
          }
        },
        stop() {
          if (started) bar.stop();
        },
      };
    },
  };
}
