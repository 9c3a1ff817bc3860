/** A small HTTP client for the CLI: Lambda REST API and Gust API calls with AWS error decoding. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class ConnectionError extends Error {}

export class GustClient {
  constructor(readonly endpoint: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.endpoint + path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body:
          body === undefined
            ? undefined
            : typeof body === 'string'
              ? body
              : Buffer.isBuffer(body)
                ? new Uint8Array(body)
                : JSON.stringify(body),
      });
    } catch (e) {
      throw new ConnectionError(`cannot reach Gust at ${this.endpoint}: ${(e as Error).cause ?? (e as Error).message}`);
    }
    if (res.status >= 400) {
      const text = await res.text();
      let message = text;
      try {
        const j = JSON.parse(text) as { Message?: string; message?: string };
        message = j.Message ?? j.message ?? text;
      } catch {
        // Query-protocol services answer XML errors.
        const xml = /<Message>([\s\S]*?)<\/Message>/.exec(text);
        if (xml) message = xml[1]!;
      }
      throw new ApiError(res.status, res.headers.get('x-amzn-errortype') ?? `HTTP${res.status}`, message);
    }
    return res;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}
