const { Router } = require('expressway/runtime');

const router = new Router();

router.delete('/{id}', async (ctx) => {
  ctx.status = 204;
  ctx.text('No Content');
});

module.exports = router;
