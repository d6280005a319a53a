const { Server } = require('expressway/runtime');
const app = new Server();

app.get('/fail', async (ctx) => {
  const err = new Error('nope');
  err.status = 400;
  throw err;
});

app.get('/fail-async', async (ctx) => {
  try {
    ctx.json(await load());
  } catch (e) {
    throw e;
  }
});

module.exports = app.handler;
