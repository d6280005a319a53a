import express from 'express';

const app = express();
const counts = new Map();

// Counted by route pattern once the response is out; unmatched requests share one key.
app.use(function timing(req, res, next) {
  const started = Date.now();
  res.once('finish', () => {
    const key = `${req.method} ${req.route ? req.baseUrl + req.route.path : '(unmatched)'}`;
    counts.set(key, { n: (counts.get(key)?.n ?? 0) + 1, ms: Date.now() - started });
  });
  next();
});

app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id });
});

app.get('/counts', (req, res) => {
  res.json(Object.fromEntries([...counts].map(([k, v]) => [k, v.n])));
});

export default app;
