import express from 'express';
import { events } from './events.js';

const router = express.Router();

router.get('/events/:id', (req, res) => {
  // The predicate reads req: the value is the same whenever it runs.
  const event = events.find((e) => e.id === Number(req.params.id) && e.city === (req.query.city ?? e.city));
  if (!event) return res.status(404).json({ error: 'event not found' });
  res.json(event);
});

export default router;
