import { percentile } from './stats.js';

/** One counted run of one peer in one scenario. */
export interface Sample {
  /** Per second (req/s, msg/s, events/s), or MB for the memory scenario. */
  rate: number;
  /** Latency in ms; null where the scenario has none (SSE, memory). */
  p50: number | null;
  p99: number | null;
  /** Completed requests / messages / events in the run. */
  total: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** Responses with an unexpected status. */
  unexpected: number;
  /**
   * Server CPU time (user + system) per request / message / event, in µs;
   * null for memory. Unlike the rate it barely depends on what else the
   * machine runs, so it is the steadier comparison on a shared machine.
   */
  cpuPerUnit: number | null;
}

/** A sample from measured latencies (ms) over a run of `seconds`; the server's CPU is filled in by the caller. */
export function sampleFromLatencies(latencies: readonly number[], seconds: number, errors: number, unexpected: number): Sample {
  return {
    rate: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    total: latencies.length,
    errors,
    unexpected,
    cpuPerUnit: null,
  };
}
