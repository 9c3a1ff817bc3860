/**
 * Serves the web console (console/, a Vite + React app) from its build output at /console/, and
 * redirects `GET /` there. AWS protocol calls (`POST /`, `GET /?Action=...`) are claimed before
 * routing by the AWS layer (src/aws/router.ts) and never reach these routes.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';

export const CONSOLE_DIST = path.resolve(import.meta.dirname, '..', '..', 'console', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Gust console not built</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The Gust console is not built</h1>
<p>Build it once with <code>npm run build:console</code> (it writes <code>console/dist</code>), then reload this page.</p>
<p>The APIs are up: <a href="/gust/v1/health">/gust/v1/health</a>.</p></body>`;

export function registerConsoleRoutes(app: FastifyInstance, dist: string = CONSOLE_DIST): void {
  const root = path.resolve(dist);

  app.get('/', async (req, reply) => {
    if (new URLSearchParams(req.url.split('?')[1] ?? '').has('Action')) return reply.callNotFound();
    return reply.redirect('/console/');
  });

  const serve = async (reply: FastifyReply, rel: string): Promise<FastifyReply> => {
    const index = path.join(root, 'index.html');
    if (!fs.existsSync(index)) {
      return reply.status(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    }
    // `rel` is already URL-decoded by the router; anything resolving outside dist is refused.
    let file = path.resolve(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) {
      return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
    }
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) {
      // Asset paths that do not exist are 404s; anything else is a page of the app.
      if (path.extname(file)) return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
      file = index;
    }
    const hashed = file.startsWith(path.join(root, 'assets') + path.sep);
    return reply
      .type(TYPES[path.extname(file)] ?? 'application/octet-stream')
      .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(await fs.promises.readFile(file));
  };

  app.get('/console', async (req, reply) => {
    // The router ignores trailing slashes; relative URLs in the app need the slash.
    if (!req.url.split('?')[0]!.endsWith('/')) return reply.redirect('/console/');
    return serve(reply, 'index.html');
  });
  app.get('/console/*', async (req, reply) => serve(reply, (req.params as { '*': string })['*'] || 'index.html'));
}
