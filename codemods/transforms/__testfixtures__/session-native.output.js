const { Server, session } = require('expressway/runtime');

const app = new Server(
  { cookieSecret: process.env.SECRET, methodNotAllowed: false, malformedPath: 'express' }
);

// One secret for both: cookie-parser signs the theme cookie, express-session the session id.
app.requestMiddleware(session({
  secret: process.env.SECRET,
  resave: false,
  saveUninitialized: false,
  cookie: { httpOnly: true, maxAge: 3600000 },
}));

app.post('/visit', async (ctx) => {
  ctx.state.session.visits = (ctx.state.session.visits || 0) + 1;
  ctx.json(
    { visits: ctx.state.session.visits, theme: ctx.signedCookie('theme') || 'light' }
  );
});

app.post('/logout', async (ctx) => {
  const [err] = await new Promise((resolve) => ctx.state.session.destroy((...args) => resolve(args)));
  if (err)
    throw err;
  ctx.status = 204;
  ctx.body = null;
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
