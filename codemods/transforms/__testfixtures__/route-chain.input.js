const express = require('express');
const app = express();
app.use(express.json());

// One path, two methods.
app.route('/books')
  .get((req, res) => {
    res.json([]);
  })
  .post((req, res) => {
    res.status(201).json(req.body);
  });

module.exports = app;
