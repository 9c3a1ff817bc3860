/**
 * Close an HTTP server without waiting for keep-alive timeouts: `server.close()` only closes the
 * connections idle at that moment, and one that was busy (answering a request in flight) would
 * otherwise linger for its whole keep-alive timeout (Fastify: 72 s) after its answer. So idle
 * connections are swept every few milliseconds until the server has closed.
 */
import type { Server } from 'node:http';

export function closeServerPromptly(server: Server, close: () => Promise<void>): Promise<void> {
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  server.closeIdleConnections();
  return close().finally(() => clearInterval(sweep));
}
