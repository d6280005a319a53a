const express = require('express');

const { Router } = require('expressway/runtime');
const { mountExpressRouter } = require('expressway/compat');

// The app that mounts this router sets the view engine: it is not visible here.
const router = new Router({ middlewareOrder: 'registration' });

// expressway-todo: routes on legacyRouter stay on Express until migrated; router answers them where they were registered
const legacyRouter = express.Router();

// expressway-todo: res.render needs the Express view engine
legacyRouter.get('/', (req, res) => {
  res.render('index', { title: 'Home' });
});

router.get('/status', async (ctx) => ctx.json({ ok: true }));

router.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));

module.exports = router;
