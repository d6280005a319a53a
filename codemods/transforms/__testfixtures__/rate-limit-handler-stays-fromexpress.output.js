const express = require('express');
const { Server } = require('expressway/runtime');
const { fromExpress, limitRequests, mountExpress, rateLimited } = require('expressway/compat');
const rateLimit = require('express-rate-limit');

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

// A custom handler answers through Express's res: the limiter keeps the bridge (rateLimited says so at start).
const limiter = limitRequests(rateLimit, {
  limit: 10,
  handler: (req, res) => res.status(429).render('slow-down'),
});

app.requestMiddleware(rateLimited(limiter));

// Another library's rateLimit: not express-rate-limit, not touched.
const { rateLimit: otherLimit } = require('./lib/throttle');
app.requestMiddleware(fromExpress(otherLimit({ per: 'minute' })));

app.get('/', async (ctx) => ctx.html('hi'));

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
