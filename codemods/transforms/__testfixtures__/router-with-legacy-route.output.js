const express = require('express');
const { Router } = require('expressway/runtime');
const { mountExpressRouter } = require('expressway/compat');
const router = new Router({ middlewareOrder: 'registration' });

// expressway-todo: routes on legacyRouter stay on Express until migrated; router answers them where they were registered
const legacyRouter = express.Router();

router.get('/ok', async (ctx) => ctx.json({ ok: true }));

// expressway-todo: res.render needs the Express view engine
legacyRouter.get('/view', (req, res) => res.render('view'));

router.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));

module.exports = router;
