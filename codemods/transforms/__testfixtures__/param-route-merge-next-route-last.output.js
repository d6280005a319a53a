const { Server } = require('expressway/runtime');
const users = require('./users');

const app = new Server(
  { middlewareOrder: 'registration', methodNotAllowed: false, malformedPath: 'express' }
);

// app.param('userId'): the GET /users/:userId route below runs it first, once per request (Express did not run it again after next('route')).
const userIdParam = async (ctx) => {
  let id = ctx.params.userId;
  const user = users.get(id);
  if (!user)
    throw new Error('no such user');
  ctx.state.user = user;
};

// The first route hands everything but admins on with next(); the last one hands guests to what follows.
const userIdRoute1 = async (ctx) => {
  if (!ctx.state.user.admin) return 'route';
  ctx.json({ admin: ctx.state.user.name });
};

const userIdRoute2 = async (ctx) => {
  if (ctx.state.user.guest) {
    return 'route';
  }
  ctx.json({ user: ctx.state.user.name });
};

// 2 Express routes GET /users/:userId and app.param('userId') as one route: a function's 'route' result is its next('route').
app.get('/users/{userId}', async (ctx) => {
  await userIdParam(ctx);
  if (ctx.aborted) return;
  if ((await userIdRoute1(ctx)) !== 'route') return;
  if ((await userIdRoute2(ctx)) === 'route') ctx.fallThrough();
});

app.notFound(async (ctx) => {
  ctx.status = 404;
  ctx.html('nothing here');
});

const handleError = async (ctx, err) => {
  ctx.json({ error: err.message }, 500);
};

app.panicHook(handleError);
app.requestErrorHook(handleError);

module.exports = app.handler;
