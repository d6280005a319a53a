const { Server } = require('expressway/runtime');
const queue = require('./queue');
const app = new Server();

// Express leaves the request pending when the queue never answers; so does the migrated handler.
app.post('/jobs', async (ctx) => {
  const [err, id] = await new Promise((resolve) => queue.push(ctx.requestBody, (...args) => resolve(args)));
  if (err)
    throw err;
  ctx.json({ id }, 202);
});

module.exports = app.handler;
