/**
 * SSE load (scenario g): clients open an event stream each and count the
 * events (blank-line terminated) they receive. The server broadcasts in
 * lockstep rounds (one event to every stream, wait for the slow ones to
 * drain) and starts only once `?clients=` streams are open: a server already
 * flooding its first streams accepts the rest very slowly on a busy core.
 * Counting starts once every client has its response head.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Sample } from './sample.js';

export interface SseLoadSettings {
  clients: number;
  /** Seconds. */
  duration: number;
}

/** Opens one event stream; resolves with the response once its head has arrived. */
export function openStream(port: number, path: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { accept: 'text/event-stream' } }, resolve);
    req.on('error', reject);
  });
}

export function closeStreams(streams: http.IncomingMessage[]): void {
  for (const stream of streams) stream.destroy();
}

const LF = 0x0a;

export async function runSseLoad(port: number, path: string, settings: SseLoadSettings): Promise<Sample> {
  // The peer starts its broadcast once this many streams are open.
  const target = `${path}?clients=${settings.clients}`;
  const streams = await Promise.all(Array.from({ length: settings.clients }, () => openStream(port, target)));
  let events = 0;
  let counting = false;
  let unexpected = 0;
  for (const stream of streams) {
    if (stream.statusCode !== 200 || !String(stream.headers['content-type']).startsWith('text/event-stream')) unexpected++;
    // An event ends with a blank line: two LFs in a row, possibly split across chunks.
    let previous = 0;
    stream.on('data', (chunk: Buffer) => {
      let found = 0;
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
        const before = i === 0 ? previous : chunk[i - 1];
        if (before === LF) found++;
      }
      previous = chunk[chunk.length - 1]!;
      if (counting) events += found;
    });
    stream.on('error', () => {});
  }
  counting = true;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, settings.duration * 1_000));
  counting = false;
  const seconds = (performance.now() - start) / 1_000;
  closeStreams(streams);
  return { rate: events / seconds, p50: null, p99: null, total: events, errors: 0, unexpected, cpuPerUnit: null };
}
