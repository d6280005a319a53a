import { Server, session } from 'expressway/runtime';
import RedisStore from './redis-store.js';

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

app.requestMiddleware(session(
  { store: new RedisStore(), secret: ['new-secret', 'old-secret'], resave: false, saveUninitialized: false, rolling: true }
));

app.get('/whoami', async (ctx) => {
  ctx.json({ user: ctx.state.session.user ?? null });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

export default app.handler;
