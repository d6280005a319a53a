import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

type Account = { id: number; name: string };
type AccountParams = { accountId: string };
type InvoiceParams = AccountParams & { invoiceId: string };
type ReportParams = { accountId: string; format?: string };
type AccountLocals = { account: Account };

const app = express();
const accounts = express.Router();

// Middleware: Locals carries over; P cannot (a middleware's ctx.params is Params).
async function loadAccount(req: Request<AccountParams>, res: Response<unknown, AccountLocals>, next: NextFunction) {
  res.locals.account = { id: Number(req.params.accountId), name: 'acme' };
  next();
}

accounts.use(loadAccount);

accounts.get('/:accountId', (req: Request<AccountParams>, res: Response<unknown, AccountLocals>) => {
  res.json({ name: res.locals.account.name });
});

// Every required key of P is in the route's own path (an optional one need not be): ctx.params keeps P.
accounts.get('/:accountId/report', (req: Request<ReportParams>, res: Response<unknown, AccountLocals>) => {
  res.json({ account: req.params.accountId, format: req.params.format ?? 'json' });
});

// P names a key the route's path does not set: ctx.params stays Params.
accounts.get('/invoices/:invoiceId', (req: Request<InvoiceParams>, res: Response<unknown, AccountLocals>) => {
  res.json({ account: res.locals.account.id, invoice: req.params.invoiceId });
});

const rename: RequestHandler<{ name: string }, unknown, unknown, Record<string, string>, AccountLocals> = (req, res) => {
  res.json({ from: res.locals.account.name, to: req.params.name });
};
accounts.post('/rename/:name', rename);

// req.body is ReqBody when written, any otherwise: ctx.requestBody (unknown) is read as that.
accounts.post('/:accountId/notes', (req: Request<AccountParams, unknown, { text: string }>, res: Response<unknown, AccountLocals>) => {
  res.status(201).json({ account: req.params.accountId, text: req.body.text.trim() });
});
accounts.put('/:accountId/tags', (req: Request<AccountParams>, res: Response<unknown, AccountLocals>) => {
  const { tags } = req.body;
  res.json({ tags: tags.map((t: string) => t.toLowerCase()), first: req.body.tags[0] });
});

app.use('/accounts', accounts);

// Without Locals: the default state before P.
app.get('/users/:userId/posts/:postId', (req: Request<{ userId: string; postId: string }>, res: Response) => {
  res.json({ user: req.params.userId, post: req.params.postId });
});

export default app;
