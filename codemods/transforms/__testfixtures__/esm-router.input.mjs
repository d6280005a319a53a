import { Router } from 'express';

const router = Router();

router.post('/login', (req, res) => {
  const { user } = req.body;
  res.json({ user });
});

export default router;
