import express, { type Request } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';

const app = express();

const options: Partial<Options> = {
  windowMs: 60_000,
  limit: (req: Request) => (req.get('x-plan') === 'pro' ? 100 : 10),
  standardHeaders: 'draft-8',
};

app.use(rateLimit(options));

app.get('/', (req, res) => {
  res.send('ok');
});

export default app;
