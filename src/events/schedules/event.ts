/**
 * What a fire sends to the function: the schedule's input (EventBridge Scheduler context
 * attributes such as <aws.scheduler.scheduled-time> substituted), or by default EventBridge's
 * "Scheduled Event" for the scheduled time. The event id is derived from the schedule and the
 * scheduled time, so a repeated delivery of one occurrence carries the same id.
 */
import { createHash } from 'node:crypto';

export interface Account {
  region: string;
  accountId: string;
}

export const scheduleArn = (a: Account, name: string): string =>
  `arn:aws:scheduler:${a.region}:${a.accountId}:schedule/default/${name}`;

export const ruleArn = (a: Account, name: string): string => `arn:aws:events:${a.region}:${a.accountId}:rule/${name}`;

/** ISO 8601 in UTC without milliseconds, as EventBridge writes times: 2026-01-01T00:00:00Z. */
export const awsTime = (t: number): string => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A UUID (version 5 layout) from the schedule's identity and the scheduled time. */
export function occurrenceId(name: string, createdAt: number, scheduledAt: number): string {
  const h = createHash('sha256').update(`${name}\n${createdAt}\n${scheduledAt}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export interface FireContext {
  name: string;
  createdAt: number;
  input: string | null;
  scheduledAt: number;
}

export function scheduledEvent(a: Account, f: FireContext): Record<string, unknown> {
  return {
    version: '0',
    id: occurrenceId(f.name, f.createdAt, f.scheduledAt),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: a.accountId,
    time: awsTime(f.scheduledAt),
    region: a.region,
    resources: [ruleArn(a, f.name)],
    detail: {},
  };
}

export function firePayload(a: Account, f: FireContext): Buffer {
  if (f.input === null) return Buffer.from(JSON.stringify(scheduledEvent(a, f)));
  const attrs: Record<string, string> = {
    '<aws.scheduler.schedule-arn>': scheduleArn(a, f.name),
    '<aws.scheduler.scheduled-time>': awsTime(f.scheduledAt),
    '<aws.scheduler.execution-id>': occurrenceId(f.name, f.createdAt, f.scheduledAt),
    '<aws.scheduler.attempt-number>': '1',
  };
  return Buffer.from(f.input.replace(/<aws\.scheduler\.[a-z-]+>/g, (m) => attrs[m] ?? m));
}
