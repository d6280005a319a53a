const express = require('express');
const { Router } = require('expressway/runtime');
const { mountExpressRouter } = require('expressway/compat');
const tasks = require('./tasks');

const router = new Router({ middlewareOrder: 'registration' });

// expressway-todo: routes on legacyRouter stay on Express until migrated; router answers them where they were registered
const legacyRouter = express.Router();

router.get('/{projectId}', async (ctx) => {
  ctx.json({ project: ctx.params.projectId });
});

// The tasks router (mergeParams) reads :projectId; its module decides whether it migrates.
if (typeof tasks === 'function')
  router.mount('/{projectId}/tasks', new Router().requestMiddlewareAtMount(mountExpressRouter(tasks)));
else
  router.mount('/{projectId}/tasks', tasks);

// Only router modules of the app move under a path with params.
// expressway-todo: app.use path "/:projectId/audit" has parameters: only a router module of the app mounted there migrates, not an inline function
legacyRouter.use('/:projectId/audit', (req, res, next) => {
  res.set('x-audit', req.params.projectId);
  next();
});

router.requestMiddlewareAtMount(mountExpressRouter(legacyRouter));

module.exports = router;
