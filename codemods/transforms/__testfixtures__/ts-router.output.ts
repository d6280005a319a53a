import { Router } from 'expressway/runtime';
import type { Context } from 'expressway/runtime';

const router = new Router();

router.get('/', async (ctx: Context) => {
  ctx.json({ items: [] });
});

export default router;
