import express, { Request, Response, NextFunction } from 'express';
import { findPost } from './posts';

const app = express();

app.param('postId', (req: Request, res: Response, next: NextFunction, id: string) => {
  const post = findPost(id);
  if (!post) {
    res.status(404).json({ error: 'not found' });
    return;
  }
  res.locals.post = post;
  next();
});

const onlyPublished = (req: Request, res: Response, next: NextFunction) => {
  if (!res.locals.post.published) return next('route');
  next();
};

app.get('/posts/:postId', onlyPublished, (req: Request, res: Response) => {
  res.json(res.locals.post);
});

app.get('/posts/:postId', (req: Request, res: Response) => {
  res.status(403).json({ error: 'unpublished' });
});

export default app;
