import express, { type Request } from 'express';
import { Server } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';
import { limitRequests, mountExpress, rateLimited } from 'expressway/compat';
import { rateLimit, type Options, MemoryStore } from 'express-rate-limit';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const options: Partial<Options> = {
  windowMs: 60_000,
  limit: (req: Request) => (req.get('x-plan') === 'pro' ? 100 : 10),
  standardHeaders: 'draft-8',
};

app.requestMiddleware(rateLimited(limitRequests(rateLimit, options, MemoryStore)));

app.get('/', async (ctx: Context) => {
  ctx.html('ok');
});

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
