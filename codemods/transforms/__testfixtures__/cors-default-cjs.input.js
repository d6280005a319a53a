'use strict';

const express = require('express');
const cors = require('cors');

const app = express();

// Every origin may read every answer.
app.use(cors());

app.get('/items', (req, res) => {
  res.json([]);
});

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

module.exports = app;
