const { Server } = require('expressway/runtime');
const app = new Server();

app.requestMiddleware(async (ctx) => {
  ctx.state.requestId = ctx.header('x-request-id');
});

app.get('/id', async (ctx) => {
  if (ctx.committed) return;
  ctx.json({ id: ctx.state.requestId });
});

module.exports = app.handler;
