const express = require('express');
const app = express();

// Stays on Express (res.render) and, in Express, wins over /users/:id below.
app.get('/users/new', (req, res) => res.render('new-user'));

app.get('/users/:id', (req, res) => res.json({ id: req.params.id }));

app.get('/posts/:id', (req, res) => res.json({ post: req.params.id }));

module.exports = app;
