'use strict';

const express = require('express');
const { Server } = require('expressway/runtime');
const { limitRequests, mountExpress, rateLimited } = require('expressway/compat');
const rateLimit = require('express-rate-limit');

const app = new Server(
  { middlewareOrder: 'registration', malformedPath: 'express', autoOptions: 'express4' }
);

// expressway-todo: routes on legacyApp stay on Express until migrated; app mounts it last
const legacyApp = express();

// Every API call counts against one budget per client.
const apiLimiter = limitRequests(rateLimit, {
  windowMs: 15 * 60 * 1000,
  limit: 100,
  standardHeaders: 'draft-7',
  legacyHeaders: false,
});

app.requestMiddleware('/api', rateLimited(apiLimiter, { path: '/api' }));
app.requestMiddleware(rateLimited(limitRequests(rateLimit, { windowMs: 60 * 1000, limit: 1000 })));

// expressway-todo: req.rateLimit is set outside migrated code
legacyApp.get('/api/items', (req, res) => {
  res.json({ items: [], remaining: req.rateLimit.remaining });
});

app.requestMiddleware(mountExpress(legacyApp));

app.listen({ port: 3000 });
