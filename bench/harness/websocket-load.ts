/**
 * WebSocket echo load (scenario f): many clients, each keeping a window of
 * messages in flight and sending the next one as each echo comes back.
 * Echoes return in order on a connection, so a FIFO of send times gives
 * each message's round-trip latency.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { sampleFromLatencies, type Sample } from './sample.js';

export interface WebSocketLoadSettings {
  clients: number;
  /** Seconds. */
  duration: number;
  /** Messages each client keeps in flight. */
  window?: number;
}

/** A 64-byte text message, about what a chat or game update carries. */
const MESSAGE = JSON.stringify({ type: 'echo', payload: 'x'.repeat(35) });

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

export async function runWebSocketLoad(url: string, settings: WebSocketLoadSettings): Promise<Sample> {
  const window = settings.window ?? 16;
  const sockets = await Promise.all(Array.from({ length: settings.clients }, () => open(url)));
  const latencies: number[] = [];
  let errors = 0;
  let unexpected = 0;
  let running = true;
  const start = performance.now();
  for (const socket of sockets) {
    const sentAt: number[] = [];
    socket.on('error', () => errors++);
    socket.on('message', (data) => {
      const t0 = sentAt.shift();
      if (!running || t0 === undefined) return;
      latencies.push(performance.now() - t0);
      if (data.toString() !== MESSAGE) unexpected++;
      sentAt.push(performance.now());
      socket.send(MESSAGE);
    });
    for (let i = 0; i < window; i++) {
      sentAt.push(performance.now());
      socket.send(MESSAGE);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, settings.duration * 1_000));
  running = false;
  const seconds = (performance.now() - start) / 1_000;
  await Promise.all(sockets.map(closeSocket));
  return sampleFromLatencies(latencies, seconds, errors, unexpected);
}

function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, 1_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close();
  });
}
