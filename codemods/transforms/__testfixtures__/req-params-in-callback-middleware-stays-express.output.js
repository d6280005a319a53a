const { Router } = require('expressway/runtime');
const { fromExpress } = require('expressway/compat');
const db = require('./db');
const router = new Router();

// Express resets req.params for every layer: a callback running after next() may see another route's params.
// expressway-todo: middleware runs through fromExpress: req is used inside a nested function that cannot be awaited (a callback that is not Node-style, in a loop, or followed by more code); as a respond-promise: req.params is read inside a callback of middleware (Express changes it once next() moves on)
router.requestMiddleware(fromExpress((req, res, next) => {
  db.get(req.query.id, () => {
    console.log('loaded for', req.params.id);
  });
  next();
}));

router.get('/items/{id}', async (ctx) => {
  ctx.json({ id: ctx.params.id });
});

module.exports = router;
