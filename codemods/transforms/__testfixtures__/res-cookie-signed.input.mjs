import express from 'express';
import cookieParser from 'cookie-parser';

const app = express();
app.use(cookieParser(process.env.COOKIE_SECRET));

app.post('/remember', (req, res) => {
  res.cookie('uid', '7', { signed: true, httpOnly: true });
  res.json({ remembered: true });
});

export default app;
