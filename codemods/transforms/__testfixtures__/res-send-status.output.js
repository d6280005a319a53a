const { Server } = require('expressway/runtime');
const app = new Server();

app.delete('/items/{id}', async (ctx) => {
  ctx.status = 204;
  ctx.text('No Content');
});

app.get('/forbidden', async (ctx) => {
  ctx.status = 403;
  ctx.text('Forbidden');
});

module.exports = app.handler;
