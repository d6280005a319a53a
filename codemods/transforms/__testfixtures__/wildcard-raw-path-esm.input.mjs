import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

const app = express();
const DOCS = fileURLToPath(new URL('./docs', import.meta.url));

// Express keeps the trailing slash, repeated slashes and dot segments of the raw path in a "*" capture.
app.get('/files/*', (req, res) => {
  res.json({ file: req.params[0] });
});

app.route('/Assets/v1.0/*').get((req, res) => {
  res.send(`asset ${req.params[0]}`);
});

app.get('/docs/*', (req, res, next) => {
  const file = req.params[0] || 'index.html';
  res.sendFile(file, { root: DOCS }, (err) => {
    if (!err) return;
    if (err.status === 404) return next();
    next(err);
  });
});

// A param before the "*": where the capture starts in the raw path is not a fixed length.
app.get('/users/:id/*', (req, res) => {
  res.json({ id: req.params.id, rest: req.params[0] });
});

const router = express.Router();
router.get('/more/*', (req, res) => {
  res.json({ rest: req.params[0] });
});
app.use('/nested', router);

export default app;
