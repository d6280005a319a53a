const { Server } = require('expressway/runtime');
const { fromExpress } = require('expressway/compat');
const passport = require('passport');
const app = new Server();

app.requestMiddleware(fromExpress(passport.initialize()));
app.requestMiddleware(fromExpress(passport.session()));

app.get('/me', async (ctx) => {
  ctx.json(ctx.state.user);
});

module.exports = app.handler;
