const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/slow', async (ctx) => {
  await new Promise((resolve) => setTimeout(() => resolve(), 50));
  ctx.json({ waited: true });
});

module.exports = app.handler;
