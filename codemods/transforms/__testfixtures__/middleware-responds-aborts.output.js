const { Server } = require('expressway/runtime');
const app = new Server();

async function requireKey(ctx) {
  if (ctx.header('x-api-key') !== 'k') {
    ctx.json({ error: 'unauthorized' }, 401);
    ctx.abort();
    return;
  }
}

app.requestMiddleware(requireKey);

app.get('/secret', async (ctx) => ctx.json({ secret: 42 }));

module.exports = app.handler;
