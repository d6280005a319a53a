const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/items/{id:\\d+}', async (ctx) => {
  ctx.json({ id: Number(ctx.params.id) });
});

module.exports = app.handler;
