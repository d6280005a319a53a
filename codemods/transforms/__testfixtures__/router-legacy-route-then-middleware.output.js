const express = require('express');

const { Router, Server } = require('expressway/runtime');
const { mountExpress, mountExpressRouter } = require('expressway/compat');

const router = new Router({ middlewareOrder: 'registration' });

// expressway-todo: routes on legacyRouter stay on Express until migrated; router answers them where they were registered
const legacyRouter = express.Router();

// expressway-todo: routes on legacyRouter2 stay on Express until migrated; router answers them where they were registered
const legacyRouter2 = express.Router();

router.get('/status', async (ctx) => ctx.json({ up: true }));

// Streams with res.write: stays on Express, and needs no session.
// expressway-todo: res.write streams the response
legacyRouter.get('/feed', (req, res) => {
  res.write('a\n');
  res.end('b\n');
});

router.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));

// Registered after /feed: Express never ran it for /feed.
router.requestMiddleware(async (ctx) => {
  if (!ctx.header('x-session')) {
    ctx.json({ error: 'session required' }, 401);
    ctx.abort();
  }
});

router.get('/me', async (ctx) => ctx.json({ me: ctx.header('x-session') }));

// expressway-todo: res.write streams the response
legacyRouter2.get('/export', (req, res) => {
  res.write('x\n');
  res.end('y\n');
});

router.requestMiddlewareAtMount(mountExpressRouter(legacyRouter2));

const app = new Server({ malformedPath: 'express', autoOptions: 'express4' });

// Express answers what no route matches, as before: its 404 page, also for a known path with another method (OPTIONS there: autoOptions).
const legacyApp = express();

app.mount('/account', router);

app.requestMiddleware(mountExpress(legacyApp));

module.exports = app.handler;
