/**
 * Payloads sent from this browser, kept in localStorage by request id. Gust does not store
 * synchronous invocation payloads, so this is what makes "replay" possible for invocations made
 * from the console (async events that end up as dead letters keep theirs on the server).
 */
export interface SentPayload {
  requestId: string;
  functionName: string;
  qualifier?: string;
  type: 'RequestResponse' | 'Event';
  payload: string;
  at: number;
}

const KEY = 'gust.console.payloads';
const MAX_ENTRIES = 200;
const MAX_BYTES = 256 * 1024;

function load(): SentPayload[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as SentPayload[]) : [];
  } catch {
    return [];
  }
}

export function savePayload(p: SentPayload): void {
  if (!p.requestId || p.payload.length > MAX_BYTES) return;
  const all = [p, ...load().filter((x) => x.requestId !== p.requestId)].slice(0, MAX_ENTRIES);
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    /* storage full or disabled: replay is best effort */
  }
}

export const payloadFor = (requestId: string): SentPayload | undefined => load().find((x) => x.requestId === requestId);

/** Distinct recent payloads sent to a function, newest first. */
export function recentPayloads(functionName: string, max = 8): SentPayload[] {
  const seen = new Set<string>();
  const out: SentPayload[] = [];
  for (const p of load()) {
    if (p.functionName !== functionName || seen.has(p.payload)) continue;
    seen.add(p.payload);
    out.push(p);
    if (out.length >= max) break;
  }
  return out;
}
