const express = require('express');
const cors = require('cors');

const app = express();
app.use('/api', cors({ origin: 'https://example.com' }));

app.get('/api/items', (req, res) => res.json([]));

module.exports = app;
