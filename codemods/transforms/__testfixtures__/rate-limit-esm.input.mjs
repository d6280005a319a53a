import express from 'express';
import rateLimit from 'express-rate-limit';

const app = express();
const router = express.Router();

const signupLimiter = rateLimit({ windowMs: 60_000, limit: 3, message: { error: 'slow down' } });

router.post('/signup', signupLimiter, (req, res) => {
  res.status(201).json({ ok: true });
});

app.use('/users', router);

export default app;
