const { Router } = require('expressway/runtime');
const { mountExpressRouter } = require('expressway/compat');
const things = require('./things');

const router = new Router();

router.get('/health', async (ctx) => {
  ctx.json({ ok: true });
});

// The router is mounted somewhere itself: an Express things router is handed the full mount path.
if (typeof things === 'function')
  router.mount('/things', new Router().requestMiddlewareAtMount(mountExpressRouter(things)));
else
  router.mount('/things', things);

module.exports = router;
