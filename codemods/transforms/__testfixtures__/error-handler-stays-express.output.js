const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpressErrorHandler, mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.get('/boom', async (ctx) => {
  throw new Error('boom');
});

// Passes the error on when it cannot answer: stays Express code.
// expressway-todo: error handler runs through fromExpressErrorHandler: next(err) in an error handler delegates to the next Express error handler
const handleError = fromExpressErrorHandler((err, req, res, next) => {
  if (err.expose === false) return next(err);
  res.status(500).json({ error: err.message });
});

app.panicHook(handleError);
app.requestErrorHook(handleError);
app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
