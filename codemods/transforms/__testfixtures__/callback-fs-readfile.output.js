const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const fs = require('fs');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/config', async (ctx) => {
  const [err, text] = await new Promise(
    (resolve) => fs.readFile('./config.json', 'utf8', (...args) => resolve(args))
  );

  if (err)
    throw err;
  ctx.setHeader('Content-Type', 'application/json; charset=utf-8');
  ctx.body = text;
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
