import express, { type NextFunction, type Request, type Response } from 'express';

declare global {
  namespace Express {
    interface Request { visitor?: string }
  }
}

interface SessionLocals { user: string }
type CartLocals = { cart: string[] };
type OrderLocals = { order: number };
export type Exported = { token: string };

const shop = express.Router();
const orders = express.Router();

// An interface as Locals: Router<SessionLocals> would refuse plain Context handlers and runtime middleware, so the default state.
shop.get('/session', (req: Request, res: Response<unknown, SessionLocals>) => {
  res.json({ user: String(res.locals.user) });
});

// Two Locals types on one router: both handlers keep the default state, and a read of a member
// Locals declares says its type (ctx.state.cart as CartLocals['cart']), as res.locals.cart had it.
orders.get('/cart', (req: Request, res: Response<unknown, CartLocals>) => {
  res.json({ items: res.locals.cart, count: res.locals.cart.length });
});
orders.get('/order', (req: Request, res: Response<unknown, OrderLocals>) => {
  res.json({ order: res.locals.order });
});

// A request property moves to ctx.state, which res.locals' type did not describe: the default state.
const notices = express.Router();
type FlashLocals = { flash: string };
notices.use((req: Request, res: Response<unknown, FlashLocals>, next: NextFunction) => {
  req.visitor = 'ann';
  res.locals.flash = 'welcome';
  next();
});
notices.get('/', (req: Request, res: Response<unknown, FlashLocals>) => {
  res.json({ flash: res.locals.flash, visitor: req.visitor });
});

// A value that is not a string: the runtime's params are strings.
orders.get('/pages/:page', (req: Request<{ page: number }>, res: Response) => {
  res.json({ page: String(req.params.page) });
});

// Used outside this module: its registrations are not known here.
export function tokenHandler(req: Request, res: Response<unknown, Exported>) {
  res.json({ token: res.locals.token.slice(0, 4) });
}
shop.get('/token', tokenHandler);

// The path is not written at the registration.
for (const path of ['/a/:slug', '/b/:slug']) {
  shop.get(path, (req: Request<{ slug: string }>, res: Response) => {
    res.json({ slug: req.params.slug });
  });
}

const app = express();
app.use('/shop', shop);
app.use('/orders', orders);
app.use('/notices', notices);

export default app;
