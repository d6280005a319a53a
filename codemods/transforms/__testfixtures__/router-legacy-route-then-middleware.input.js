const express = require('express');

const router = express.Router();

router.get('/status', (req, res) => res.json({ up: true }));

// Streams with res.write: stays on Express, and needs no session.
router.get('/feed', (req, res) => {
  res.write('a\n');
  res.end('b\n');
});

// Registered after /feed: Express never ran it for /feed.
router.use((req, res, next) => {
  if (!req.get('x-session')) return res.status(401).json({ error: 'session required' });
  next();
});

router.get('/me', (req, res) => res.json({ me: req.get('x-session') }));

router.get('/export', (req, res) => {
  res.write('x\n');
  res.end('y\n');
});

const app = express();
app.use('/account', router);

module.exports = app;
