const express = require('express');
const app = express();

function listUsers(req, res) {
  res.json([]);
}

const showUser = (req, res) => {
  res.json({ id: req.params.id });
};

app.get('/users', listUsers);
app.get('/users/:id', showUser);

module.exports = app;
