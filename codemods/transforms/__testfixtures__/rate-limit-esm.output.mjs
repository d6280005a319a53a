import express from 'express';
import { Router, Server } from 'expressway/runtime';
import { limitRequests, mountExpress, rateLimited } from 'expressway/compat';
import rateLimit, { MemoryStore } from 'express-rate-limit';

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

const router = new Router();

const signupLimiter = limitRequests(
  rateLimit,
  { windowMs: 60_000, limit: 3, message: { error: 'slow down' } },
  MemoryStore
);

router.post('/signup', rateLimited(signupLimiter), async (ctx) => {
  ctx.json({ ok: true }, 201);
});

app.mount('/users', router);

app.requestMiddleware(mountExpress(legacyApp));

export default app.handler;
