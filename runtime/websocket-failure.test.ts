import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Server } from './index.js';
import type { RunningServer } from './listen.js';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close({ timeout: 1000 });
  running = undefined;
});

describe('a WebSocket route that fails after accepting', () => {
  it('closes the socket with 1011 and keeps serving', async () => {
    const server = new Server({ logErrors: false });
    const seen: unknown[] = [];
    server.panicHook((_ctx, err) => {
      seen.push((err as Error).message);
    });
    server.get('/ws', async (ctx) => {
      const ws = await ctx.upgrade();
      for await (const message of ws) {
        if (String(message) === 'boom') throw new Error('handler failed after upgrade');
        await ws.send(message);
      }
    });
    server.get('/ok', (ctx) => ctx.text('still here'));
    running = await server.listen({ port: 0, host: '127.0.0.1' });

    const client = new WebSocket(`${running.url.replace('http', 'ws')}/ws`);
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    client.send('boom');
    expect(await closed).toBe(1011);
    expect(seen).toEqual(['handler failed after upgrade']);
    expect(await (await fetch(`${running.url}/ok`)).text()).toBe('still here');
  });
});
