import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

const app = express();
const PUBLIC = fileURLToPath(new URL('./public', import.meta.url));

app.get('/files/:name', (req, res, next) => {
  res.sendFile(req.params.name, { root: PUBLIC }, (err) => {
    if (!err) return;
    if (err.code === 'ENOENT' || err.code === 'ENAMETOOLONG') return next();
    next(err);
  });
});

app.get('/reports/:id', (req, res, next) => {
  res.download(path.join(PUBLIC, 'reports', `${req.params.id}.pdf`), `report-${req.params.id}.pdf`, (err) => {
    if (!err) return;
    if (res.headersSent) return;
    next(err);
  });
});

export default app;
