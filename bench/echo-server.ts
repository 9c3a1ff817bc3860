/**
 * The baseline of `npm run bench`: a bare node:http JSON echo server. It reads the request body,
 * parses it and answers it back as JSON (the least any JSON-over-HTTP function endpoint must do).
 * Runs in its own process; prints `listening <port>`; exits when its stdin closes (the bench died).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let event: unknown = null;
    try {
      event = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"invalid json"}');
      return;
    }
    const body = JSON.stringify({ echo: event });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
