const { Server, jsonBody } = require('expressway/runtime');
const db = require('./db');
const app = new Server();
app.requestMiddleware(jsonBody());

app.post('/notes', async (ctx) => {
  const [callbackThis, err] = await new Promise((resolve) => db.run(
    'INSERT INTO notes (text) VALUES (?)',
    [ctx.requestBody.text],
    function(...args) {
      resolve([this, ...args]);
    }
  ));

  if (err)
    throw err;
  ctx.json({ id: callbackThis.lastID }, 201);
});

module.exports = app.handler;
