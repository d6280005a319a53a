import express from 'express';
import expressSession from 'express-session';
import RedisStore from './redis-store.js';

const app = express();

app.use(expressSession({ store: new RedisStore(), secret: ['new-secret', 'old-secret'], resave: false, saveUninitialized: false, rolling: true }));

app.get('/whoami', (req, res) => {
  res.json({ user: req.session.user ?? null });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

export default app;
