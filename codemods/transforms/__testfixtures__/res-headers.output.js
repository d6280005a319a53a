const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/headers', async (ctx) => {
  ctx.setHeader('X-One', '1');
  ctx.setHeader('X-Two', '2');
  ctx.setHeader('X-Three', '3');
  ctx.appendHeader('Link', '<http://localhost/>');
  ctx.appendHeader('Vary', 'Accept');
  ctx.setHeader('Location', '/elsewhere');
  ctx.json({ ok: true });
});

module.exports = app.handler;
