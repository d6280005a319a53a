const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/api/{capture0:.*}', async (ctx) => {
  ctx.json({ rest: ctx.params.capture0 });
});

module.exports = app.handler;
