import { describe, expectTypeOf, test } from 'vitest';
import { formBody, jsonBody, Router, Server, serveStatic, type Context, type Handler } from './index.js';

interface State {
  user?: { id: number };
}

describe('Server types', () => {
  test('params are typed from the path, state from the Server generic', () => {
    const server = new Server<State>();
    const requireAuth: Handler<State> = (ctx) => {
      if (!ctx.state.user) ctx.abort();
    };
    server.get('/users/{id}/posts/{post:\\d+}', requireAuth, (ctx) => {
      expectTypeOf(ctx.params).toEqualTypeOf<{ id: string; post: string }>();
      expectTypeOf(ctx.state.user).toEqualTypeOf<{ id: number } | undefined>();
      // @ts-expect-error not a param of this route
      void ctx.params.name;
    });
  });

  test('body readers and response builder overloads', () => {
    const server = new Server();
    server.post('/x', async (ctx) => {
      expectTypeOf(ctx.json()).toEqualTypeOf<Promise<unknown>>();
      expectTypeOf(ctx.text()).toEqualTypeOf<Promise<string>>();
      expectTypeOf(ctx.bytes()).toEqualTypeOf<Promise<Buffer>>();
      expectTypeOf(ctx.json({ ok: true }, 201)).toEqualTypeOf<void>();
      expectTypeOf(ctx.query).toEqualTypeOf<Record<string, unknown>>();
    });
  });

  test('routers share the state type and mount on a server', () => {
    const server = new Server<State>();
    const router = new Router<State>();
    router.get('/{slug}', (ctx: Context<State, { slug: string }>) => ctx.text(ctx.params.slug));
    server.mount('/blog', router);
  });

  test('library middleware plug in as request middleware', () => {
    const server = new Server<State>();
    server.requestMiddleware(serveStatic('public'));
    server.requestMiddleware('/static', serveStatic('assets', { prefix: '/static' }));
    server.requestMiddleware(jsonBody(), formBody({ extended: true }));
    server.get('/f', (ctx) => ctx.file('/etc/hostname'));
  });
});
