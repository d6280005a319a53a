const { Server } = require('expressway/runtime');
const app = new Server();

app.requestMiddleware('/admin', async (ctx) => {
  if (!ctx.header('x-admin')) {
    ctx.status = 403;
    ctx.text('Forbidden');
    ctx.abort();
  }
});

app.get('/admin/stats', async (ctx) => ctx.json({ users: 3 }));

module.exports = app.handler;
