/**
 * Load with `Connection: close` (scenario e): every request on a new TCP
 * connection, read until the server closes it. autocannon cannot measure
 * this: its client writes the next request on the socket the server is
 * closing, and with `reconnectRate: 1` it drops the response from its
 * counts. So this is a small closed-loop client of its own; latency
 * includes the TCP handshake, as a real client would see it.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { LoadSettings } from './http-load.js';
import { sampleFromLatencies, type Sample } from './sample.js';
import type { HttpRequestSpec } from './scenarios.js';

function requestBytes(port: number, request: HttpRequestSpec): Buffer {
  const headers = Object.entries({ ...request.headers, connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return Buffer.from(`${request.method} ${request.path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${headers}\r\n`, 'latin1');
}

/** Resolves with the response status once the server has closed the connection. */
function oneRequest(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    let head = '';
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      if (head.length < 12) head += chunk.toString('latin1', 0, Math.min(chunk.length, 12 - head.length));
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(head.slice(9, 12));
      if (Number.isInteger(status) && status > 0) resolve(status);
      else reject(new Error('connection closed without a response'));
    });
  });
}

export async function runCloseLoad(port: number, request: HttpRequestSpec, expectedStatus: number, settings: LoadSettings): Promise<Sample> {
  const bytes = requestBytes(port, request);
  const latencies: number[] = [];
  let errors = 0;
  let unexpected = 0;
  const start = performance.now();
  const deadline = start + settings.duration * 1_000;
  async function worker(): Promise<void> {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const status = await oneRequest(port, bytes);
        latencies.push(performance.now() - t0);
        if (status !== expectedStatus) unexpected++;
      } catch {
        errors++;
      }
    }
  }
  await Promise.all(Array.from({ length: settings.connections }, worker));
  const seconds = (performance.now() - start) / 1_000;
  return sampleFromLatencies(latencies, seconds, errors, unexpected);
}
