const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/check', async (ctx) => {
  if (!ctx.query.token) {
    ctx.json({ error: 'token required' }, 401);
    return;
  }
  if (ctx.query.token !== 'secret') {
    ctx.json({ error: 'bad token' }, 403);
    return;
  }
  ctx.json({ ok: true });
});

module.exports = app.handler;
