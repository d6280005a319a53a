import { Router } from 'expressway/runtime';
import { events } from './events.js';

const router = new Router();

router.get('/events/{id}', async (ctx) => {
  // The predicate reads req: the value is the same whenever it runs.
  const event = events.find((e) => e.id === Number(ctx.params.id) && e.city === (ctx.query.city ?? e.city));
  if (!event) {
    ctx.json({ error: 'event not found' }, 404);
    return;
  }
  ctx.json(event);
});

export default router;
