const { Server } = require('expressway/runtime');
const app = new Server();

app.post('/things', async (ctx) => {
  ctx.json({ created: true }, 201);
});

module.exports = app.handler;
