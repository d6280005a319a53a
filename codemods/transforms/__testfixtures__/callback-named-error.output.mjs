import { Router } from 'expressway/runtime';

const router = new Router();

// express-session's callbacks: regenerate((err) => ...), then save((saveErr) => ...).
router.post('/login', async (ctx) => {
  const [err] = await new Promise((resolve) => ctx.state.session.regenerate((...args) => resolve(args)));
  if (err)
    throw err;
  ctx.state.session.userId = ctx.requestBody.id;
  const [saveErr] = await new Promise((resolve) => ctx.state.session.save((...args) => resolve(args)));
  if (saveErr)
    throw saveErr;
  ctx.json({ ok: true });
});

export default router;
