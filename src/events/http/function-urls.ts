/**
 * Function URL configurations: durable in HttpStore, cached in memory by url-id and by
 * function + qualifier for the gateway. A function URL is served by the gateway at
 * `<gateway>/lambda-url/<url-id>/...` and for the Host `<url-id>.lambda-url.<region>.on.aws`.
 */
import type { FunctionUrlRecord, HttpStore } from './store.ts';

const refKey = (functionName: string, qualifier?: string): string => `${functionName}\0${qualifier ?? ''}`;

export const URL_ID = /^[a-z0-9]{32}$/;

export class FunctionUrls {
  private byId = new Map<string, FunctionUrlRecord>();
  private byRef = new Map<string, FunctionUrlRecord>();

  constructor(private store: HttpStore) {
    for (const u of store.listUrls()) this.cache(u);
  }

  findById(urlId: string): FunctionUrlRecord | undefined {
    return this.byId.get(urlId);
  }

  find(functionName: string, qualifier?: string): FunctionUrlRecord | undefined {
    return this.byRef.get(refKey(functionName, qualifier));
  }

  /**
   * The configuration a `/lambda-url/<segment>` path names: a url-id, or (for readable URLs) a
   * function name with an optional `:alias`.
   */
  findBySegment(segment: string): FunctionUrlRecord | undefined {
    const byId = URL_ID.test(segment) ? this.byId.get(segment) : undefined;
    if (byId) return byId;
    const i = segment.indexOf(':');
    return i < 0 ? this.find(segment) : this.find(segment.slice(0, i), segment.slice(i + 1));
  }

  listOf(functionName: string): FunctionUrlRecord[] {
    return [...this.byId.values()].filter((u) => u.functionName === functionName);
  }

  put(u: FunctionUrlRecord): void {
    this.store.putUrl(u);
    this.cache(u);
  }

  delete(u: FunctionUrlRecord): void {
    this.store.deleteUrl(u.urlId);
    this.byId.delete(u.urlId);
    this.byRef.delete(refKey(u.functionName, u.qualifier));
  }

  /** A deleted function loses its URLs (as in Lambda). */
  deleteAllOf(functionName: string): void {
    const mine = this.listOf(functionName);
    if (!mine.length) return;
    this.store.deleteUrlsOf(functionName);
    for (const u of mine) {
      this.byId.delete(u.urlId);
      this.byRef.delete(refKey(u.functionName, u.qualifier));
    }
  }

  private cache(u: FunctionUrlRecord): void {
    this.byId.set(u.urlId, u);
    this.byRef.set(refKey(u.functionName, u.qualifier), u);
  }
}
