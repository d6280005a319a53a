import { Router } from 'expressway/runtime';

const router = new Router();

router.post('/login', async (ctx) => {
  const { user } = ctx.requestBody;
  ctx.json({ user });
});

export default router;
