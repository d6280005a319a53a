const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, mountExpress } = require('expressway/compat');
const passport = require('passport');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.requestMiddleware(fromExpress(passport.initialize()));
app.requestMiddleware(fromExpress(passport.session()));

app.get('/me', async (ctx) => {
  ctx.json(ctx.state.user);
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
