/**
 * Body ownership: exactly one layer reads the request body, and nothing
 * hangs (the @fastify/express POST hang: body-parser waited on a stream the
 * framework had already drained).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express5 from 'express5';
import bodyParser from 'body-parser';
import { Server, jsonBody } from 'expressway/runtime';
import { fromExpress, mountExpress } from 'expressway/compat';
import { serve, type Served } from './__testfixtures__/serve.js';

const post = (url: string, body: string, type = 'application/json') =>
  fetch(url, { method: 'POST', headers: { 'content-type': type }, body, signal: AbortSignal.timeout(5000) });

describe('body ownership', () => {
  let served: Served;
  let legacy: Served;

  beforeAll(async () => {
    const server = new Server({ logErrors: false });
    // Express parses first, the runtime reads after.
    server.requestMiddleware('/express-first', fromExpress(bodyParser.json()));
    server.post('/express-first', async (ctx) => ctx.json({ json: await ctx.json(), text: await ctx.text(), requestBody: ctx.requestBody }));
    server.requestMiddleware('/express-form', fromExpress(express.urlencoded({ extended: true })));
    server.post('/express-form', async (ctx) => ctx.json({ form: await ctx.form(), requestBody: ctx.requestBody }));
    // The runtime parses first, Express reads after (body-parser 1 and body-parser 2).
    server.requestMiddleware('/runtime-first', jsonBody());
    server.requestMiddleware('/runtime-first', fromExpress(bodyParser.json()));
    server.requestMiddleware('/runtime-first', fromExpress((req: any, res: any) => res.json({ seenByExpress: req.body })));
    server.post('/runtime-first', (ctx) => ctx.text('no'));
    server.requestMiddleware('/runtime-first-5', async (ctx) => {
      await ctx.json();
    });
    server.requestMiddleware('/runtime-first-5', fromExpress(express5.json(), { express: express5 as any }));
    server.requestMiddleware('/runtime-first-5', fromExpress((req: any, res: any) => res.json({ seenByExpress5: req.body }), { express: express5 as any }));
    server.post('/runtime-first-5', (ctx) => ctx.text('no'));
    server.requestMiddleware('/runtime-text', async (ctx) => {
      await ctx.text();
    });
    server.requestMiddleware('/runtime-text', fromExpress(express.json()));
    server.requestMiddleware('/runtime-text', fromExpress((req: any, res: any) => res.json({ parsed: req.body })));
    server.post('/runtime-text', (ctx) => ctx.text('no'));
    served = await serve(server);

    const app = express();
    app.use(express.json());
    app.post('/legacy', (req, res) => res.json({ legacySaw: req.body }));
    const withLegacy = new Server({ logErrors: false });
    withLegacy.requestMiddleware(jsonBody());
    withLegacy.requestMiddleware(mountExpress(app));
    legacy = await serve(withLegacy);
  });
  afterAll(async () => {
    await served.close();
    await legacy.close();
  });

  it('body ownership: POST through body-parser inside fromExpress, then a runtime handler reading the body', async () => {
    const res = await post(`${served.url}/express-first`, '{"a":[1,2]}');
    expect(await res.json()).toEqual({ json: { a: [1, 2] }, text: '{"a":[1,2]}', requestBody: { a: [1, 2] } });
  });

  it('body ownership: urlencoded parsed by Express is what ctx.form() returns', async () => {
    const res = await post(`${served.url}/express-form`, 'a=1&b%5Bc%5D=2', 'application/x-www-form-urlencoded');
    const body = await res.json();
    expect(body.requestBody).toEqual({ a: '1', b: { c: '2' } });
    expect(body.form).toEqual({ a: '1', 'b[c]': '2' });
  });

  it('body ownership: the runtime parsed first, body-parser 1 sees it as parsed and does not hang', async () => {
    const res = await post(`${served.url}/runtime-first`, '{"b":true}');
    expect(await res.json()).toEqual({ seenByExpress: { b: true } });
  });

  it('body ownership: the runtime parsed first, body-parser 2 (Express 5) does not hang', async () => {
    const res = await post(`${served.url}/runtime-first-5`, '{"v":5}');
    expect(await res.json()).toEqual({ seenByExpress5: { v: 5 } });
  });

  it('body ownership: the runtime read raw text first, Express still gets the parsed JSON', async () => {
    const res = await post(`${served.url}/runtime-text`, '{"t":1}');
    expect(await res.json()).toEqual({ parsed: { t: 1 } });
  });

  it('body ownership: runtime jsonBody() in front of a legacy app with express.json() (mountExpress)', async () => {
    const res = await post(`${legacy.url}/legacy`, '{"legacy":1}');
    expect(await res.json()).toEqual({ legacySaw: { legacy: 1 } });
  });
});
