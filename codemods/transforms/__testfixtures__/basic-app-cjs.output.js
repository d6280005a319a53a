// A small Express app.
const { Server } = require('expressway/runtime');

const app = new Server();

/** Health check. */
app.get('/health', async (ctx) => {
  ctx.json({ ok: true }); // always up
});

module.exports = app.handler;
