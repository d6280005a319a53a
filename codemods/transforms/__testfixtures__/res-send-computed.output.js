const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/computed', async (ctx) => {
  const value = compute(ctx.query);

  if (typeof value === 'string') {
    ctx.html(value);
  } else {
    ctx.body = value;
  }
});

module.exports = app.handler;
