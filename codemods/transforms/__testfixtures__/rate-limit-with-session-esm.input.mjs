import express from 'express';
import session from 'express-session';
import rateLimit from 'express-rate-limit';

const app = express();

// Sessions and a limiter in one file: the session goes native, the limiter keeps one store for both paths.
app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));
app.use(rateLimit({ windowMs: 60 * 1000, limit: 50, standardHeaders: 'draft-7', legacyHeaders: false }));

app.get('/', (req, res) => {
  req.session.views = (req.session.views || 0) + 1;
  res.json({ views: req.session.views });
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

export default app;
