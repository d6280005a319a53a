import express from 'express';
import helmet from 'helmet';

const app = express();

app.use(
  helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", 'cdn.example.com'],
        upgradeInsecureRequests: null,
      },
    },
    hsts: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: ['no-referrer', 'strict-origin-when-cross-origin'] },
  }),
);

app.get('/', (req, res) => res.json({ home: true }));

app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});

export default app;
