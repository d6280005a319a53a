const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/boom', async (ctx) => {
  throw new Error('boom');
});

// Central error handler.
app.panicHook(async (ctx, err) => {
  ctx.json({ error: err.message }, err.status || 500);
});

module.exports = app.handler;
