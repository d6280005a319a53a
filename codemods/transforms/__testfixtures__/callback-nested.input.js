const express = require('express');
const db = require('./db');
const app = express();

app.get('/users/:id/posts', (req, res, next) => {
  db.get('SELECT * FROM users WHERE id = ?', [req.params.id], (err, user) => {
    if (err) return next(err);
    if (!user) return res.sendStatus(404);
    db.all('SELECT * FROM posts WHERE user_id = ?', [user.id], (err, posts) => {
      if (err) return next(err);
      res.json({ user, posts });
    });
  });
});

module.exports = app;
