const { Server } = require('expressway/runtime');
const app = new Server();

app.post('/login', async (ctx) => {
  ctx.setCookie('sid', 'abc', { httpOnly: true, maxAge: 60000 });
  ctx.json({ ok: true });
});

app.post('/logout', async (ctx) => {
  ctx.clearCookie('sid');
  ctx.json({ ok: true });
});

module.exports = app.handler;
