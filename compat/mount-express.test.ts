import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express5 from 'express5';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import { serve, type Served } from './__testfixtures__/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'exw-mount-'));
writeFileSync(join(dir, 'page.html'), '<h1>legacy page</h1>');

function legacyApp(make: () => any) {
  const app = make();
  app.get('/users/:id', (req: any, res: any) => res.json({ legacy: true, id: req.params.id, user: req.user ?? null }));
  app.post('/users', (_req: any, res: any) => res.status(201).json({ created: 'by legacy' }));
  app.get('/stream', (_req: any, res: any) => {
    res.type('text/plain');
    res.write('a');
    setTimeout(() => res.end('b'), 5);
  });
  app.get('/file', (_req: any, res: any) => res.sendFile(join(dir, 'page.html')));
  app.get('/locals', (_req: any, res: any) => res.json(res.locals));
  app.get('/boom', () => {
    throw new Error('legacy boom');
  });
  return app;
}

for (const [label, make] of [['Express 4', express], ['Express 5', express5]] as const) {
  describe(`mountExpress (${label})`, () => {
    let served: Served;
    let plain: Served;
    const panics: unknown[] = [];

    beforeAll(async () => {
      const server = new Server({ logErrors: false });
      server.requestMiddleware((ctx) => {
        ctx.setHeader('x-request-id', 'r-1');
        (ctx.state as any).user = { name: 'from runtime' };
        (ctx.state as any).tenant = 'acme';
      });
      server.responseMiddleware((ctx) => ctx.setHeader('x-response-mw', String(ctx.status)));
      server.panicHook((ctx, err) => {
        panics.push(err);
        ctx.status = 500;
        ctx.json({ runtimePanic: (err as Error).message });
      });
      server.get('/users/{id}', (ctx) => ctx.json({ runtime: true, id: ctx.params.id }));
      server.get('/migrated', (ctx) => ctx.text('runtime route'));
      server.requestMiddleware(mountExpress(legacyApp(make)));
      served = await serve(server);

      // The same app without response middleware: the cheap path, Express writes straight to the socket.
      const bare = new Server({ logErrors: false });
      bare.requestMiddleware((ctx) => ctx.setHeader('x-request-id', 'r-2'));
      bare.requestMiddleware(mountExpress(legacyApp(make), { finalHandler: 'runtime' }));
      bare.panicHook((ctx, err) => {
        ctx.status = 500;
        ctx.json({ runtimePanic: (err as Error).message });
      });
      plain = await serve(bare);
    });
    afterAll(async () => {
      await served.close();
      await plain.close();
    });

    it('runtime routes first, the legacy app for the rest', async () => {
      expect(await (await fetch(`${served.url}/users/7`)).json()).toEqual({ runtime: true, id: '7' });
      expect(await (await fetch(`${served.url}/migrated`)).text()).toBe('runtime route');
    });

    it('a method the runtime does not serve on a known path still reaches the legacy app (no runtime 405)', async () => {
      const res = await fetch(`${served.url}/users`, { method: 'POST' });
      expect(res.status).toBe(201);
      expect(res.headers.get('allow')).toBeNull();
      expect(await res.json()).toEqual({ created: 'by legacy' });
    });

    it('response hooks still apply when the legacy app responds, streamed or sendFile; request middleware headers too', async () => {
      const a = await fetch(`${served.url}/stream`);
      expect(a.headers.get('x-response-mw')).toBe('200');
      expect(a.headers.get('x-request-id')).toBe('r-1');
      expect(await a.text()).toBe('ab');
      const b = await fetch(`${served.url}/file`);
      expect(b.headers.get('x-response-mw')).toBe('200');
      expect(b.headers.get('content-type')).toMatch(/text\/html/);
      expect(await b.text()).toBe('<h1>legacy page</h1>');
    });

    it("Express's own 404 page answers what neither side has (as the app alone did), with response middleware", async () => {
      const res = await fetch(`${served.url}/nowhere`);
      expect(res.status).toBe(404);
      expect(res.headers.get('x-response-mw')).toBe('404');
      expect(await res.text()).toMatch(/Cannot GET \/nowhere/);
    });

    it('state crosses: ctx.state.user is req.user and res.locals is ctx.state', async () => {
      const res = await fetch(`${served.url}/locals`);
      expect(await res.json()).toEqual({ user: { name: 'from runtime' }, tenant: 'acme' });
    });

    it("finalHandler 'runtime': the runtime's 404 and panic hooks take over; request middleware headers reach legacy answers", async () => {
      const a = await fetch(`${plain.url}/nowhere`);
      expect(a.status).toBe(404);
      expect((await a.json()).error).toBe('Not Found');
      const b = await fetch(`${plain.url}/boom`);
      expect(b.status).toBe(500);
      expect(await b.json()).toEqual({ runtimePanic: 'legacy boom' });
      const c = await fetch(`${plain.url}/users/3`);
      expect(c.headers.get('x-request-id')).toBe('r-2');
      expect((await c.json()).legacy).toBe(true);
    });
  });
}

describe('mountExpress case sensitivity', () => {
  it('refuses a case-sensitive runtime in front of a case-insensitive Express app (EXW_ERR_COMPAT_CASE_MISMATCH)', async () => {
    const server = new Server({ caseSensitive: true, logErrors: false });
    const codes: unknown[] = [];
    server.panicHook((_ctx, err) => {
      codes.push((err as { code?: string }).code);
    });
    const app = express();
    app.get('/admin', (_req, res) => res.send('secret'));
    server.requestMiddleware('/admin', (ctx) => {
      ctx.status = 401;
      ctx.abort();
    });
    server.requestMiddleware(mountExpress(app));
    const served = await serve(server);
    try {
      const res = await fetch(`${served.url}/ADMIN`);
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('secret');
      expect(codes).toEqual(['EXW_ERR_COMPAT_CASE_MISMATCH']);
    } finally {
      await served.close();
    }
  });
});

describe('mountExpress input', () => {
  it('rejects what is not an Express app', () => {
    expect(() => mountExpress((() => {}) as any)).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_NOT_MIDDLEWARE' }));
    expect(() => mountExpress(express(), { finalHandler: 'x' as any })).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_INVALID_OPTION' }));
  });
});
