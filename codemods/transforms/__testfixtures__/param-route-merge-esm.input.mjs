import express from 'express';
import { load } from './store.mjs';

const app = express();

app.param('slug', (req, res, next, slug) => {
  req.page = load(slug);
  next();
});

app.get('/pages/:slug', (req, res, next) => {
  if (!req.page) return next('route');
  res.type('text').send(req.page.text);
});

app.get('/pages/:slug', (req, res) => {
  res.status(404).type('text').send(`no page ${req.params.slug}`);
});

export default app;
