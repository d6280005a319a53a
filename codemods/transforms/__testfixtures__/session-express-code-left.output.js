const { Server } = require('expressway/runtime');
const { fromExpress } = require('expressway/compat');
const cookieParser = require('cookie-parser');
const session = require('express-session');
const passport = require('passport');

const app = new Server(
  { cookieSecret: 'secret', methodNotAllowed: false, malformedPath: 'express' }
);

app.requestMiddleware(fromExpress(cookieParser('secret')));
app.requestMiddleware(fromExpress(session({ secret: 'secret', resave: false, saveUninitialized: false })));
// passport.session() stays Express middleware and reads req.session: express-session stays with it.
app.requestMiddleware(fromExpress(passport.session()));

app.get('/me', async (ctx) => {
  ctx.json({ user: ctx.state.user || null });
});

app.notFound(async (ctx) => {
  ctx.json({ error: 'not found' }, 404);
});

module.exports = app.handler;
