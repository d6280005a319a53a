const { Router } = require('expressway/runtime');
const { encodeUrl } = require('expressway/helpers');
const router = new Router();

router.post('/', async (ctx) => {
  const id = 42;
  ctx.setHeader('Location', encodeUrl(`${ctx.path.replace(/\/$/, '')}/${id}`));
  ctx.json({ id }, 201);
});

router.get('/{id}/self', async (ctx) => {
  ctx.json(
    { self: `${ctx.path.replace(/\/$/, '').replace(/(?:\/[^/]+){2}$/, '')}/${ctx.params.id}/self` }
  );
});

module.exports = router;
