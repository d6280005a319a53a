const path = require('path');
const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpressErrorHandler, mountExpress } = require('expressway/compat');
const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

legacyApp.set('view engine', 'ejs');
legacyApp.set('views', path.join(__dirname, 'views'));

app.get('/boom', async (ctx) => {
  throw new Error('boom');
});

// Another error handler follows: a render error here would reach it, not the final handler.
// eslint-disable-next-line no-unused-vars
// expressway-todo: error handler runs through fromExpressErrorHandler: res.render in an error handler registered before others (Express passes a render error on to them)
const handleError = fromExpressErrorHandler((err, req, res, next) => {
  res.status(err.status || 500).render('error', { message: err.message });
}, { app: legacyApp });

app.panicHook(handleError);
app.requestErrorHook(handleError);

// Without a default, a client accepting neither gets a 406 from Express's final handler.
// eslint-disable-next-line no-unused-vars
// expressway-todo: error handler runs through fromExpressErrorHandler: res.format without a default in an error handler (Express hands its 406 to the final handler)
const handleError2 = fromExpressErrorHandler((err, req, res, next) => {
  res.status(500).format({
    json: () => res.json({ error: err.message }),
  });
}, { app: legacyApp });

app.panicHook(handleError2);
app.requestErrorHook(handleError2);
app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
