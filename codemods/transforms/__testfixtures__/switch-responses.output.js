const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/kind/{k}', async (ctx) => {
  switch (ctx.params.k) {
    case 'a':
      ctx.json({ a: 1 });
      break;
    case 'b':
      ctx.json({ b: 2 });
      break;
    default:
      ctx.json({ error: 'unknown' }, 400);
  }
});

module.exports = app.handler;
