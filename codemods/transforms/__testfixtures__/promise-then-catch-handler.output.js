const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const User = require('./models/user');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/users/{id}', async (ctx) => {
  try {
    const user = await User.findById(ctx.params.id);
    ctx.json(user);
  } catch (err) {
    ctx.json({ error: err.message }, 500);
  }
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
