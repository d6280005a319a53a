const { Server } = require('expressway/runtime');
const fs = require('fs');
const app = new Server();

app.get('/config', async (ctx) => {
  const [err, text] = await new Promise(
    (resolve) => fs.readFile('./config.json', 'utf8', (...args) => resolve(args))
  );

  if (err)
    throw err;
  ctx.setHeader('Content-Type', 'application/json; charset=utf-8');
  ctx.body = text;
});

module.exports = app.handler;
