const { Server } = require('expressway/runtime');
const db = require('./db');
const app = new Server();

app.get('/users/{id}', async (ctx) => {
  const [err, row] = await new Promise((resolve) => db.get(
    'SELECT * FROM users WHERE id = ?',
    [ctx.params.id],
    (...args) => resolve(args)
  ));

  if (err)
    throw err;
  if (!row) {
    ctx.json({ error: 'not found' }, 404);
    return;
  }
  ctx.json(row);
});

module.exports = app.handler;
