import express from 'express';
import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { mountExpress } from 'expressway/compat';
import { prices } from './prices';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

function writePrice(res: Context['res'], symbol: string, price: number): void {
  res.write(`event: price\ndata: ${JSON.stringify({ symbol, price })}\n\n`);
}

function symbolsOf(ctx: Context): string[] {
  return String(ctx.query.symbols ?? '').split(',').filter(Boolean);
}

app.get('/prices', async (ctx: Context) => {
  ctx.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  ctx.status = 200;
  ctx.setHeader('Cache-Control', 'no-store');
  await ctx.commitHead();
  ctx.res.flushHeaders();
  const wanted = new Set(symbolsOf(ctx));
  const onPrice = (symbol: string, price: number) => {
    if (wanted.has(symbol)) writePrice(ctx.res, symbol, price);
  };
  prices.on('price', onPrice);
  ctx.req.on('close', () => prices.off('price', onPrice));
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
