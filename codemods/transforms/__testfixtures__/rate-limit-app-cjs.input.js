'use strict';

const express = require('express');
const rateLimit = require('express-rate-limit');

const app = express();

// Every API call counts against one budget per client.
const apiLimiter = rateLimit({
  windowMs: 15 * 60 * 1000,
  limit: 100,
  standardHeaders: 'draft-7',
  legacyHeaders: false,
});

app.use('/api', apiLimiter);
app.use(rateLimit({ windowMs: 60 * 1000, limit: 1000 }));

app.get('/api/items', (req, res) => {
  res.json({ items: [], remaining: req.rateLimit.remaining });
});

app.listen(3000);
