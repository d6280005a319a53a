const express = require('express');
const app = express();

app.get('/users/:id', (req, res) => res.json({ first: true }));

// Unreachable in Express without next(): the first one always answers.
app.get('/users/:userId', (req, res) => res.json({ second: true }));

module.exports = app;
