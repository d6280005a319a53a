/**
 * fromExpress(mw, { path }) with a literal path applies app.use(path)
 * itself (mount-path.ts) instead of building an Express Router: side by
 * side with Express 4 and 5 doing app.use(path, mw), what the middleware
 * sees inside the mount and what the next middleware sees after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express5 from 'express5';
import { Server } from 'expressway/runtime';
import { fromExpress } from 'expressway/compat';
import { serve, type Served } from './__testfixtures__/serve.js';
import { literalMount } from './mount-path.js';

type Seen = Record<string, unknown>;

function inside(req: any, _res: any, next: any): void {
  req.seen = { inside: { url: req.url, baseUrl: req.baseUrl, originalUrl: req.originalUrl, params: req.params } };
  if (req.url.startsWith('/rewrite')) req.url = '/index.html'; // as history-fallback middleware do
  next();
}

function after(req: any, res: any): void {
  res.json({ ...(req.seen as Seen | undefined), after: { url: req.url, baseUrl: req.baseUrl } });
}

const TARGETS = ['/mounted', '/mounted/', '/mounted?x=1', '/MOUNTED/a/b?q=2', '/mounted/rewrite/deep', '/mountedx', '/other'];

describe('fromExpress with a literal mount path, side by side with app.use(path)', () => {
  let runtime: Served;
  let trailing: Served;
  const originals: Array<{ close(): void; url: string }> = [];

  async function listen(app: any): Promise<string> {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${server.address().port}`;
    originals.push({ close: () => server.close(), url });
    return url;
  }

  beforeAll(async () => {
    const server = new Server();
    server.requestMiddleware(fromExpress(inside, { path: '/mounted' }));
    server.requestMiddleware(fromExpress(after));
    runtime = await serve(server);
    const withSlash = new Server();
    withSlash.requestMiddleware(fromExpress(inside, { path: '/mounted/' }));
    withSlash.requestMiddleware(fromExpress(after));
    trailing = await serve(withSlash);
    for (const make of [express, express5] as any[]) {
      const app = make();
      app.use('/mounted', inside);
      app.use(after);
      await listen(app);
    }
  });
  afterAll(async () => {
    for (const o of originals) o.close();
    await Promise.all([runtime.close(), trailing.close()]);
  });

  it.each(TARGETS)('%s: the same url, baseUrl and params inside the mount and after it as Express 4 and 5', async (target) => {
    const get = async (base: string) => (await fetch(base + target)).json();
    const [express4Seen, express5Seen, runtimeSeen, trailingSeen] = await Promise.all([get(originals[0]!.url), get(originals[1]!.url), get(runtime.url), get(trailing.url)]);
    expect(runtimeSeen).toEqual(express4Seen);
    expect(runtimeSeen).toEqual(express5Seen);
    expect(trailingSeen).toEqual(express4Seen);
  });

  it('only literal paths skip the Router', () => {
    expect(literalMount('/api')).toBe('/api');
    expect(literalMount('/API/v1.2/')).toBe('/api/v1.2');
    expect(literalMount('/')).toBe('');
    for (const routed of ['/:id', '/users/:id/posts', '/files/*', '/a(b)?', '/{x}', '/caf%C3%A9', 'api']) expect(literalMount(routed)).toBeNull();
  });
});
