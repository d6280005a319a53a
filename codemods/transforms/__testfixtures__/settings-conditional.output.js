const express = require('express');
const { Server } = require('expressway/runtime');
const { mountExpress } = require('expressway/compat');
const config = require('./config');

const app = new Server(
  { trustProxy: config.behindProxy ? 1 : false, jsonSpaces: process.env.NODE_ENV !== 'production' ? 2 : undefined, malformedPath: 'express', autoOptions: 'express4' }
);

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// Behind the load balancer only in production.
if (config.behindProxy) {
  legacyApp.set('trust proxy', 1);
}
if (process.env.NODE_ENV !== 'production') legacyApp.set('json spaces', 2);

app.get('/ip', async (ctx) => {
  ctx.json({ ip: ctx.ip });
});

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
