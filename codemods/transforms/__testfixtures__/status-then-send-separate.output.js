const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/teapot', async (ctx) => {
  ctx.status = 418;
  ctx.html('short and stout');
});

module.exports = app.handler;
