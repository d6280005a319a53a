/**
 * Request middleware scoped to a prefix with params sees the prefix's captures, matched route or not, as
 * Express shows req.params to app.use('/:p', fn) and to a mergeParams router's middleware (prefix-params.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Router, Server } from './index.js';
import type { RunningServer } from './listen.js';
import { start } from './__testfixtures__/raw-http.js';

const handles: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close({ timeout: 1_000 })));
});

type Seen = Record<string, unknown>;

async function serve(server: Server<{ seen: Seen }>): Promise<string> {
  server.notFound((ctx) => ctx.json({ ...ctx.state.seen, notFound: { ...ctx.params } }, 404));
  const handle = await start(server);
  handles.push(handle);
  return handle.url;
}

async function get(url: string): Promise<{ status: number; body: Seen }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Seen };
}

function record(name: string) {
  return (ctx: { params: object; state: { seen?: Seen } }) => {
    (ctx.state.seen ??= {})[name] = { ...ctx.params };
  };
}

/** The tasks router of an Express app: router-level middleware and routes, mounted under a project id. */
function tasksApp(): Server<{ seen: Seen }> {
  const server = new Server<{ seen: Seen }>({ logErrors: false });
  const tasks = new Router<{ seen: Seen }>();
  tasks.requestMiddleware(record('loadProject'));
  tasks.requestMiddleware('/{q}', record('scopedQ'));
  tasks.get('/{taskId}', (ctx) => ctx.json({ ...ctx.state.seen, route: { ...ctx.params } }));
  const projects = new Router<{ seen: Seen }>();
  projects.mount('/{projectId}/tasks', tasks);
  // A route outside the tasks router whose path lies under its prefix, with another param name.
  projects.get('/{id}/tasks/x/y', (ctx) => ctx.json({ ...ctx.state.seen, route: { ...ctx.params } }));
  server.requestMiddleware(record('global'));
  server.requestMiddleware('/api/literal', record('literal'));
  server.mount('/api', projects);
  return server;
}

describe('middleware under a prefix with params', () => {
  it('sees its prefix captures when no route matches; the 404 handler and other middleware see none', async () => {
    const url = await serve(tasksApp());
    const res = await get(url + '/api/5/tasks/x/y/z');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ global: {}, loadProject: { projectId: '5' }, scopedQ: { projectId: '5', q: 'x' }, notFound: {} });
  });

  it('sees its prefix captures, not the route params, when a route matches; the route sees its own', async () => {
    const url = await serve(tasksApp());
    const res = await get(url + '/api/5/tasks/7');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      global: { projectId: '5', taskId: '7' },
      loadProject: { projectId: '5' },
      scopedQ: { projectId: '5', q: '7' },
      route: { projectId: '5', taskId: '7' },
    });
  });

  it('names the captures after its own prefix for a route registered elsewhere under it', async () => {
    const url = await serve(tasksApp());
    const res = await get(url + '/api/5/tasks/x/y');
    expect(res.body).toEqual({ global: { id: '5' }, loadProject: { projectId: '5' }, scopedQ: { projectId: '5', q: 'x' }, route: { id: '5' } });
  });

  it('decodes captures like route params (%2F stays a slash in the value) and keeps their case', async () => {
    const url = await serve(tasksApp());
    const res = await get(url + '/api/A%2Fb/tasks/7');
    expect(res.body).toMatchObject({ loadProject: { projectId: 'A/b' }, route: { projectId: 'A/b', taskId: '7' } });
  });

  it('leaves literal-prefix middleware with the route params', async () => {
    const server = tasksApp();
    server.get('/api/literal/{name}', (ctx) => ctx.json({ ...ctx.state.seen, route: { ...ctx.params } }));
    const url = await serve(server);
    const res = await get(url + '/api/literal/n1');
    expect(res.body).toEqual({ global: { name: 'n1' }, literal: { name: 'n1' }, route: { name: 'n1' } });
  });

  it('restores the params after an async middleware settles, and after one that throws', async () => {
    const server = new Server<{ seen: Seen }>({ logErrors: false });
    server.requestMiddleware('/p/{pid}', async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      (ctx.state.seen ??= {}).async = { ...ctx.params };
    });
    server.requestMiddleware('/p/{pid}/boom', () => {
      throw new Error('boom');
    });
    server.panicHook((ctx) => ctx.json({ ...ctx.state.seen, hook: { ...ctx.params } }, 500));
    server.get('/p/{pid}/{rest}', (ctx) => ctx.json({ ...ctx.state.seen, route: { ...ctx.params } }));
    const url = await serve(server);
    expect((await get(url + '/p/1/two')).body).toEqual({ async: { pid: '1' }, route: { pid: '1', rest: 'two' } });
    const failed = await get(url + '/p/1/boom');
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ async: { pid: '1' }, hook: { pid: '1', rest: 'boom' } });
  });

  it('runs only where its prefix matches, also with a regex param', async () => {
    const server = new Server<{ seen: Seen }>({ logErrors: false });
    server.requestMiddleware('/v/{n:\\d+}', record('digits'));
    const url = await serve(server);
    expect((await get(url + '/v/12/x')).body).toEqual({ digits: { n: '12' }, notFound: {} });
    expect((await get(url + '/v/ab/x')).body).toEqual({ notFound: {} });
  });
});
