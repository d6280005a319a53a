import express from 'express';

import { Router, Server } from 'expressway/runtime';
import type { Context, DefaultState } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';

type Account = { id: number; name: string };
type AccountParams = { accountId: string };
type InvoiceParams = AccountParams & { invoiceId: string };
type ReportParams = { accountId: string; format?: string };
type AccountLocals = { account: Account };

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const accounts = new Router<AccountLocals>();

// Middleware: Locals carries over; P cannot (a middleware's ctx.params is Params).
async function loadAccount(ctx: Context<AccountLocals>) {
  ctx.state.account = { id: Number(ctx.params.accountId), name: 'acme' };
}

accounts.requestMiddleware(loadAccount);

accounts.get('/{accountId}', async (ctx: Context<AccountLocals, AccountParams>) => {
  ctx.json({ name: ctx.state.account.name });
});

// Every required key of P is in the route's own path (an optional one need not be): ctx.params keeps P.
accounts.get('/{accountId}/report', async (ctx: Context<AccountLocals, ReportParams>) => {
  ctx.json({ account: ctx.params.accountId, format: ctx.params.format ?? 'json' });
});

// P names a key the route's path does not set: ctx.params stays Params.
accounts.get('/invoices/{invoiceId}', async (ctx: Context<AccountLocals>) => {
  ctx.json({ account: ctx.state.account.id, invoice: ctx.params.invoiceId });
});

const rename = async (ctx: Context<AccountLocals, { name: string }>) => {
  ctx.json({ from: ctx.state.account.name, to: ctx.params.name });
};
accounts.post('/rename/{name}', rename);

// req.body is ReqBody when written, any otherwise: ctx.requestBody (unknown) is read as that.
accounts.post('/{accountId}/notes', async (ctx: Context<AccountLocals, AccountParams>) => {
  ctx.json(
    { account: ctx.params.accountId, text: (ctx.requestBody as { text: string }).text.trim() },
    201
  );
});
accounts.put('/{accountId}/tags', async (ctx: Context<AccountLocals, AccountParams>) => {
  const { tags } = ctx.requestBody as any;
  ctx.json(
    { tags: tags.map((t: string) => t.toLowerCase()), first: (ctx.requestBody as any).tags[0] }
  );
});

app.mount('/accounts', accounts);

// Without Locals: the default state before P.
app.get('/users/{userId}/posts/{postId}', async (ctx: Context<DefaultState, { userId: string; postId: string }>) => {
  ctx.json({ user: ctx.params.userId, post: ctx.params.postId });
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
