const express = require('express');
const rateLimit = require('express-rate-limit');

const app = express();

// A custom handler answers through Express's res: the limiter keeps the bridge (rateLimited says so at start).
const limiter = rateLimit({
  limit: 10,
  handler: (req, res) => res.status(429).render('slow-down'),
});

app.use(limiter);

// Another library's rateLimit: not express-rate-limit, not touched.
const { rateLimit: otherLimit } = require('./lib/throttle');
app.use(otherLimit({ per: 'minute' }));

app.get('/', (req, res) => res.send('hi'));

module.exports = app;
