import express from 'express';
import type { Request, Response } from 'express';
import { prices } from './prices';

const app = express();

function writePrice(res: Response, symbol: string, price: number): void {
  res.write(`event: price\ndata: ${JSON.stringify({ symbol, price })}\n\n`);
}

function symbolsOf(req: Request): string[] {
  return String(req.query.symbols ?? '').split(',').filter(Boolean);
}

app.get('/prices', (req: Request, res: Response) => {
  res.status(200).type('text/event-stream');
  res.setHeader('Cache-Control', 'no-store');
  res.flushHeaders();
  const wanted = new Set(symbolsOf(req));
  const onPrice = (symbol: string, price: number) => {
    if (wanted.has(symbol)) writePrice(res, symbol, price);
  };
  prices.on('price', onPrice);
  req.on('close', () => prices.off('price', onPrice));
});

export default app;
