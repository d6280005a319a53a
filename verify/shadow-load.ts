/**
 * Load shedding for the mirror. The mirror shares the proxy's event loop with
 * the clients' answers; when that loop lags (the proxy is short of CPU),
 * mirror work would add to every client's latency. So while the loop's p99
 * delay over the last second is above the limit, new mirror jobs are shed
 * (counted, never run) until it recovers.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoadGuard {
  /** True while mirror jobs should be shed. */
  readonly shedding: boolean;
  /** p99 event loop delay of the last window, in ms. */
  readonly lagMs: number;
  readonly shed: number;
  countShed(): void;
  stop(): void;
}

export function createLoadGuard(maxLagMs: number, windowMs = 1_000): LoadGuard {
  let shedding = false;
  let lagMs = 0;
  let shed = 0;
  if (maxLagMs <= 0) {
    return {
      shedding: false,
      lagMs: 0,
      get shed() {
        return shed;
      },
      countShed: () => void shed++,
      stop: () => {},
    };
  }
  const resolutionMs = 10;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const timer = setInterval(() => {
    // The histogram records whole intervals between its ticks; the lag is what exceeds the resolution.
    lagMs = Math.max(0, Math.round((histogram.percentile(99) / 1e6 - resolutionMs) * 100) / 100);
    shedding = lagMs > maxLagMs;
    histogram.reset();
  }, windowMs);
  timer.unref();
  return {
    get shedding() {
      return shedding;
    },
    get lagMs() {
      return lagMs;
    },
    get shed() {
      return shed;
    },
    countShed() {
      shed++;
    },
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
