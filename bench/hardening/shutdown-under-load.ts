/**
 * Graceful shutdown under load: autocannon drives slow requests
 * (GET /slow/{ms}) against the target child process; midway the child runs
 * `running.close()`. Guarantees checked: every request the server had
 * started is answered in full (0 aborted responses, counted server-side),
 * no non-2xx answer at all, and after close began new connections are
 * refused (ECONNREFUSED), never accepted and dropped or left hanging.
 * autocannon errors are split by whether they came before or after close
 * began, and by code.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { startTarget } from './spawn-target.js';

export interface ShutdownOptions {
  /** Seconds of load before close. */
  loadSeconds: number;
  connections: number;
  /** Handler time of each request, so many are in flight when close begins. */
  requestMs: number;
}

export interface ShutdownReport {
  connections: number;
  responses2xxBeforeClose: number;
  responses2xxAfterCloseBegan: number;
  non2xx: number;
  /** autocannon request errors before close began (should be none). */
  errorsBeforeClose: Record<string, number>;
  /** After close began: connection refusals of autocannon's reconnects, by code. */
  errorsAfterCloseBegan: Record<string, number>;
  /** Server side: requests in flight when close began, and what became of every request. */
  inFlightAtClose: number;
  requestsStarted: number;
  responsesFinished: number;
  responsesAborted: number;
  /** A fresh connection attempt made while the drain ran. */
  newConnectionDuringDrain: string;
  drainMs: number;
  crashed: boolean;
}

function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, 5_000);
    socket.on('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('accepted');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ?? err.message);
    });
  });
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

export async function runShutdownUnderLoad(options: ShutdownOptions): Promise<ShutdownReport> {
  const { loadSeconds, connections, requestMs } = options;
  const target = await startTarget({ shutdownTimeout: 30_000 });
  const report: ShutdownReport = {
    connections,
    responses2xxBeforeClose: 0,
    responses2xxAfterCloseBegan: 0,
    non2xx: 0,
    errorsBeforeClose: {},
    errorsAfterCloseBegan: {},
    inFlightAtClose: 0,
    requestsStarted: 0,
    responsesFinished: 0,
    responsesAborted: 0,
    newConnectionDuringDrain: '',
    drainMs: 0,
    crashed: false,
  };
  try {
    let closeBegan = false;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    // With a callback autocannon returns its event emitter (the promise form hides the events).
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${target.port}/slow/${requestMs}`,
        connections,
        // Bounded by time: it is stopped right after the drain, this is only the outer limit.
        duration: loadSeconds + 60,
        timeout: 30,
      },
      () => finish(),
    );
    instance.on('response', (_client: unknown, statusCode: number) => {
      if (statusCode < 200 || statusCode >= 300) report.non2xx++;
      else if (closeBegan) report.responses2xxAfterCloseBegan++;
      else report.responses2xxBeforeClose++;
    });
    instance.on('reqError', (err: NodeJS.ErrnoException) => bump(closeBegan ? report.errorsAfterCloseBegan : report.errorsBeforeClose, err.code ?? err.message));
    await sleep(loadSeconds * 1_000);
    const before = await target.stats();
    report.inFlightAtClose = before.requestsStarted - before.responsesFinished - before.responsesAborted;
    closeBegan = true;
    const drained = target.close();
    // Let the listener close (it does at once), then knock while requests are still draining.
    await sleep(Math.min(requestMs / 2, 200));
    report.newConnectionDuringDrain = await tryConnect(target.port);
    report.drainMs = await drained;
    instance.stop();
    await finished;
    const after = await target.stats();
    report.requestsStarted = after.requestsStarted;
    report.responsesFinished = after.responsesFinished;
    report.responsesAborted = after.responsesAborted;
    report.crashed = !target.alive();
  } finally {
    await target.stop();
  }
  return report;
}
