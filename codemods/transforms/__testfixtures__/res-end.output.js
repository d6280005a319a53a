const { Server } = require('expressway/runtime');
const app = new Server();

app.head('/ping', async (ctx) => {
  ctx.status = 200;
  ctx.body = null;
});

app.get('/text', async (ctx) => {
  ctx.body = 'done';
});

module.exports = app.handler;
