import express from 'express';
import compression from 'compression';

const app = express();

app.use(compression());

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

export default app;
