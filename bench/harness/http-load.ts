/**
 * Keep-alive HTTP load with autocannon's programmatic API (scenarios a-d).
 * The rate is completed responses over the measured time, not autocannon's
 * per-second average, so half-second quick runs still give a number.
 */
import autocannon from 'autocannon';
import type { Sample } from './sample.js';
import type { HttpRequestSpec } from './scenarios.js';

export interface LoadSettings {
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests in flight per connection (autocannon's `pipelining`); default 1. */
  pipelining?: number;
}

export async function runHttpLoad(port: number, request: HttpRequestSpec, expectedStatus: number, settings: LoadSettings): Promise<Sample> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: settings.connections,
    duration: settings.duration,
    pipelining: settings.pipelining ?? 1,
    // No per-second progress output: the harness shows its own.
    renderProgressBar: false,
  } as autocannon.Options);
  const ok = expectedStatus < 300 ? result['2xx'] : result.non2xx;
  const seconds = result.duration > 0 ? result.duration : settings.duration;
  return {
    rate: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    errors: result.errors + result.timeouts,
    unexpected: Math.max(0, result.requests.total - ok),
    cpuPerUnit: null,
  };
}
