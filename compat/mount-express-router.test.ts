/** mountExpressRouter: a runtime Router's legacy routes on an Express router, answered in place, over real sockets. */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Router, Server, type Context } from '../runtime/index.js';
import { mountExpressRouter } from './index.js';

function docsRouter(): Router {
  const router = new Router({ middlewareOrder: 'registration' });
  const legacyRouter = express.Router();
  router.get('/', (ctx) => ctx.json(['faq']));
  legacyRouter.get('/:name', (req, res, next) => {
    if (req.params.name === 'missing') return next(); // falls through to whatever the app registered later
    res.json({ name: req.params.name, baseUrl: req.baseUrl, url: req.url, originalUrl: req.originalUrl });
  });
  router.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));
  return router;
}

function app(): Server {
  const server = new Server({ middlewareOrder: 'registration', logErrors: false });
  server.mount('/docs', docsRouter());
  server.requestMiddleware((ctx: Context) => {
    if (ctx.header('x-key') !== 'k') {
      ctx.json({ error: 'no key' }, 401);
      ctx.abort();
    }
  });
  server.get('/docs/late', (ctx) => ctx.json({ late: true }));
  server.get('/docs/keyed/x', (ctx) => ctx.json({ keyed: true }));
  return server;
}

describe('mountExpressRouter', () => {
  it('answers its routes below the mount path, with req.baseUrl and req.url as Express sets them', async () => {
    const res = await request(app().handler).get('/docs/faq?x=1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'faq', baseUrl: '/docs', url: '/faq?x=1', originalUrl: '/docs/faq?x=1' });
  });

  it('leaves runtime routes registered before it alone; answers first for those registered after it, as Express', async () => {
    expect((await request(app().handler).get('/docs')).body).toEqual(['faq']);
    // /docs/late is registered after the mount: Express's /docs/:name answered it first.
    expect((await request(app().handler).get('/docs/late')).body).toMatchObject({ name: 'late', baseUrl: '/docs' });
    // /docs/keyed is registered after the mount too, but the Express router has no route for it: the runtime route answers.
    expect((await request(app().handler).get('/docs/keyed/x').set('x-key', 'k')).body).toEqual({ keyed: true });
    expect((await request(app().handler).get('/docs/keyed/x')).status).toBe(401);
  });

  it("what the Express router passes on (next(), no route) continues to the app's later middleware", async () => {
    const unkeyed = await request(app().handler).get('/docs/missing');
    expect(unkeyed.status).toBe(401);
    const keyed = await request(app().handler).get('/docs/missing').set('x-key', 'k');
    expect(keyed.status).toBe(404);
    const other = await request(app().handler).post('/docs/faq').set('x-key', 'k');
    expect(other.status).toBe(404);
  });

  it('mounts under a {param} prefix as :param', async () => {
    const server = new Server();
    const tasks = new Router();
    const legacyRouter = express.Router({ mergeParams: true });
    legacyRouter.get('/', (req, res) => res.json({ projectId: req.params.projectId, baseUrl: req.baseUrl }));
    tasks.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));
    server.mount('/projects/{projectId}/tasks', tasks);
    const res = await request(server.handler).get('/projects/7/tasks');
    expect(res.body).toEqual({ projectId: '7', baseUrl: '/projects/7/tasks' });
  });

  it('rejects what is not an Express router, and a regex mount segment, with coded errors', () => {
    expect(() => mountExpressRouter(null as never)).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_NOT_MIDDLEWARE' }));
    const router = new Router();
    router.requestMiddlewareAtMount(mountExpressRouter(express.Router()));
    expect(() => new Server().mount('/files/{name:\\d+}', router)).toThrow(expect.objectContaining({ code: 'EXW_ERR_COMPAT_INVALID_OPTION' }));
  });
});
