const express = require('express');
const queue = require('./queue');
const app = express();

// Express leaves the request pending when the queue never answers; so does the migrated handler.
app.post('/jobs', (req, res, next) => {
  queue.push(req.body, (err, id) => {
    if (err) return next(err);
    res.status(202).json({ id });
  });
});

module.exports = app;
