const { Server } = require('expressway/runtime');
const cache = require('./cache');
const app = new Server();

app.get('/cached/{key}', async (ctx) => {
  const [err, hit] = await new Promise((resolve) => cache.lookup(ctx.params.key, (...args) => resolve(args)));
  if (err) {
    throw err;
  } else if (hit) {
    ctx.setHeader('X-Cache', 'hit');

    if (typeof hit === 'string') {
      ctx.html(hit);
    } else {
      ctx.body = hit;
    }
  } else {
    ctx.json({ miss: true }, 404);
  }
});

module.exports = app.handler;
