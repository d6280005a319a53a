import { Server, session } from 'expressway/runtime';
import { limitRequests, rateLimited } from 'expressway/compat';
import rateLimit, { MemoryStore } from 'express-rate-limit';

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

// Sessions and a limiter in one file: the session goes native, the limiter keeps one store for both paths.
app.requestMiddleware(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));
app.requestMiddleware(rateLimited(limitRequests(
  rateLimit,
  { windowMs: 60 * 1000, limit: 50, standardHeaders: 'draft-7', legacyHeaders: false },
  MemoryStore
)));

app.get('/', async (ctx) => {
  ctx.state.session.views = (ctx.state.session.views || 0) + 1;
  ctx.json({ views: ctx.state.session.views });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

export default app.handler;
