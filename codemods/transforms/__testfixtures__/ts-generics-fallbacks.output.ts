import express, { type Request, type Response } from 'express';

import { Router, Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress, mountExpressRouter } from 'expressway/compat';

declare global {
  namespace Express {
    interface Request { visitor?: string }
  }
}

interface SessionLocals { user: string }
type CartLocals = { cart: string[] };
type OrderLocals = { order: number };
export type Exported = { token: string };

const shop = new Router({ middlewareOrder: 'registration' });

// expressway-todo: routes on legacyRouter stay on Express until migrated; shop answers them where they were registered
const legacyRouter = express.Router();

const orders = new Router();

// An interface as Locals: Router<SessionLocals> would refuse plain Context handlers and runtime middleware, so the default state.
shop.get('/session', async (ctx: Context) => {
  ctx.json({ user: String(ctx.state.user as SessionLocals['user']) });
});

// Two Locals types on one router: both handlers keep the default state, and a read of a member
// Locals declares says its type (ctx.state.cart as CartLocals['cart']), as res.locals.cart had it.
orders.get('/cart', async (ctx: Context) => {
  ctx.json(
    { items: ctx.state.cart as CartLocals['cart'], count: (ctx.state.cart as CartLocals['cart']).length }
  );
});
orders.get('/order', async (ctx: Context) => {
  ctx.json({ order: ctx.state.order as OrderLocals['order'] });
});

// A request property moves to ctx.state, which res.locals' type did not describe: the default state.
const notices = new Router();
type FlashLocals = { flash: string };
notices.requestMiddleware(async (ctx: Context) => {
  ctx.state.visitor = 'ann';
  ctx.state.flash = 'welcome';
});
notices.get('/', async (ctx: Context) => {
  ctx.json(
    { flash: ctx.state.flash as FlashLocals['flash'], visitor: ctx.state.visitor }
  );
});

// A value that is not a string: the runtime's params are strings.
orders.get('/pages/{page}', async (ctx: Context) => {
  ctx.json({ page: String(ctx.params.page) });
});

// Used outside this module: its registrations are not known here.
export async function tokenHandler(ctx: Context) {
  ctx.json({ token: (ctx.state.token as Exported['token']).slice(0, 4) });
}
shop.get('/token', tokenHandler);

// The path is not written at the registration.
for (const path of ['/a/:slug', '/b/:slug']) {
  // expressway-todo: the route path is computed at run time
  legacyRouter.get(path, (req: Request<{ slug: string }>, res: Response) => {
    res.json({ slug: req.params.slug });
  });
  shop.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));
}

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.mount('/shop', shop);
app.mount('/orders', orders);
app.mount('/notices', notices);

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
