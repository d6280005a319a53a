import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runBackpressure, runSlowClients } from '../../bench/hardening/slow-clients.js';
import { buildTargetServer } from '../../bench/hardening/target-app.js';
import type { RunningServer } from '../../runtime/index.js';

const mib = 1024 * 1024;

describe('slow clients (short run; `npm run hardening -- --slow` is the long one)', () => {
  it('slowloris headers and slow bodies get a 408; a slow body after the answer began is closed without one', async () => {
    const report = await runSlowClients({ clients: 5, headersTimeout: 500, requestTimeout: 1_000 });
    expect(report.crashed).toBe(false);
    expect(report.slowloris.closedByServer).toBe(5);
    expect(report.slowloris.answered408).toBe(5);
    expect(report.slowBody.closedByServer).toBe(5);
    expect(report.slowBody.answered408).toBe(5);
    expect(report.slowBody.statuses).toEqual({ 408: 5 });
    expect(report.slowBodyAfterAnswer.closedByServer).toBe(5);
    expect(report.slowBodyAfterAnswer.statuses).toEqual({ 200: 5 });
    expect(report.servedDuring).toBe(5);
    expect(report.servedAfter).toBe(5);
  }, 60_000);

  it('readers that never read a large answer are ended by sendTimeout, memory far below the answer size', async () => {
    const report = await runBackpressure({ clients: 4, bytesPerClient: 128 * mib, sendTimeout: 500, waitMs: 15_000 });
    expect(report.crashed).toBe(false);
    expect(report.bytesReceivedByClients).toBeGreaterThan(0);
    expect(report.openConnectionsAtEnd).toBe(0);
    expect(report.endedByServerAfterMs).not.toBeNull();
    // 512 MiB requested; buffered server-side must stay far below a single answer.
    expect(report.rssGrowth).toBeLessThan(64 * mib);
    expect(report.openConnectionsAfter).toBe(0);
  }, 60_000);

  it('control: with sendTimeout 0 the stalled readers keep their sockets', async () => {
    const report = await runBackpressure({ clients: 2, bytesPerClient: 64 * mib, sendTimeout: 0, waitMs: 1_500 });
    expect(report.openConnectionsAtEnd).toBe(2);
    expect(report.endedByServerAfterMs).toBeNull();
    expect(report.openConnectionsAfter).toBe(0);
  }, 60_000);
});

function connectionCount(server: RunningServer): Promise<number> {
  return new Promise((resolve, reject) => server.server.getConnections((err, count) => (err ? reject(err) : resolve(count))));
}

describe('sendTimeout on an upgraded WebSocket', () => {
  it('a WebSocket client that stops reading while the server sends is ended', async () => {
    const running = await buildTargetServer({ sendTimeout: 300 }).listen({ port: 0, host: '127.0.0.1' });
    const ws = new WebSocket(`ws://127.0.0.1:${running.port}/ws`);
    try {
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      // Stop reading, then have the echo route send 64 MiB back.
      (ws as unknown as { _socket: net.Socket })._socket.pause();
      const chunk = Buffer.alloc(mib, 'x');
      for (let i = 0; i < 64; i++) ws.send(chunk);
      let open = await connectionCount(running);
      for (let waited = 0; open > 0 && waited < 15_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        open = await connectionCount(running);
      }
      expect(open).toBe(0);
    } finally {
      ws.terminate();
      await running.close();
    }
  }, 30_000);
});

describe('sendTimeout leaves quiet connections alone', () => {
  // Each quiet period below lasts three times the timeout.
  const sendTimeout = 300;
  const quietMs = 3 * sendTimeout;
  let running: RunningServer;

  beforeAll(async () => {
    running = await buildTargetServer({ sendTimeout, keepAliveTimeout: 5_000 }).listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await running.close();
  });

  it('a handler that takes longer than sendTimeout before answering', async () => {
    const res = await fetch(`${running.url}/slow/${quietMs}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('slow ok');
  });

  it('a streamed answer that pauses longer than sendTimeout between chunks', async () => {
    const res = await fetch(`${running.url}/pause/${quietMs}`);
    expect(await res.text()).toBe('first\nlast\n');
  });

  it('a WebSocket idle for longer than sendTimeout', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${running.port}/ws`);
    const echoed = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => setTimeout(() => ws.send('after idle'), quietMs));
      ws.on('message', (data) => resolve(String(data)));
      ws.on('error', reject);
      ws.on('close', () => reject(new Error('closed before the echo')));
    });
    ws.close();
    expect(echoed).toBe('after idle');
  });

  it('an idle keep-alive socket is still ended by keepAliveTimeout', async () => {
    const short = await buildTargetServer({ sendTimeout: 10_000, keepAliveTimeout: 200 }).listen({ port: 0, host: '127.0.0.1' });
    try {
      const socket = net.connect({ port: short.port, host: '127.0.0.1' });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
      // keepAliveTimeout (+ node's 1 s buffer) ends it long before sendTimeout would.
      const closed = await new Promise<boolean>((resolve) => {
        const giveUp = setTimeout(() => resolve(false), 8_000);
        socket.on('close', () => {
          clearTimeout(giveUp);
          resolve(true);
        });
      });
      socket.destroy();
      expect(text.startsWith('HTTP/1.1 200')).toBe(true);
      expect(closed).toBe(true);
    } finally {
      await short.close();
    }
  });
});
