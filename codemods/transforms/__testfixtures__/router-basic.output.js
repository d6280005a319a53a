const { Router } = require('expressway/runtime');

const router = new Router();

router.get('/', async (ctx) => {
  ctx.json([{ id: 1 }]);
});

router.get('/{id}', async (ctx) => {
  ctx.json({ id: ctx.params.id });
});

module.exports = router;
