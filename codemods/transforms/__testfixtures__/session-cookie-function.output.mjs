import { Server } from 'expressway/runtime';
import { fromExpress } from 'expressway/compat';
import session from 'express-session';

const app = new Server({ methodNotAllowed: false, malformedPath: 'express' });

// The cookie settings are computed per request: the runtime's session() takes them as an object only.
app.requestMiddleware(fromExpress(
  session({ secret: 'secret', resave: false, saveUninitialized: true, cookie: (req) => ({ secure: req.secure }) })
));

app.get('/', async (ctx) => {
  ctx.json({ id: ctx.state.session.id });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

export default app.handler;
