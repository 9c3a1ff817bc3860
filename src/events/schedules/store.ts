/**
 * Durable schedules in the embedded SQLite (named migrations `schedules-*`). Besides each
 * schedule's definition it keeps the next scheduled time (`next_fire_at`) and the last fired one,
 * which the runner advances in the same transaction that enqueues the invocation.
 */
import type Database from 'better-sqlite3';
import { applyNamedMigrations } from '../../store/sqlite/db.ts';
import type { CatchUpPolicy } from './catch-up.ts';

export type ScheduleState = 'ENABLED' | 'DISABLED';
export type ActionAfterCompletion = 'NONE' | 'DELETE';

export interface Schedule {
  name: string;
  expression: string;
  /** IANA name the expression is evaluated in. */
  timezone: string;
  functionName: string;
  qualifier: string | null;
  /** Text passed to the function; null sends EventBridge's scheduled event. */
  input: string | null;
  state: ScheduleState;
  catchUp: CatchUpPolicy;
  description: string;
  startDate: number | null;
  endDate: number | null;
  actionAfterCompletion: ActionAfterCompletion;
  /** Rate schedules fire at anchor + k × interval. */
  anchorAt: number;
  /** Next scheduled time (ms); null when disabled or no occurrence is left. */
  nextFireAt: number | null;
  /** Scheduled time of the last fire committed to the async queue. */
  lastFireAt: number | null;
  lastError: string | null;
  fireCount: number;
  createdAt: number;
  updatedAt: number;
  /** EventBridge Scheduler fields Gust keeps but does not act on (RoleArn, RetryPolicy, ...). */
  extra: Record<string, unknown>;
}

const MIGRATIONS = [
  {
    id: 'schedules-001-tables',
    sql: `CREATE TABLE schedules (
       name TEXT PRIMARY KEY,
       expression TEXT NOT NULL,
       timezone TEXT NOT NULL,
       function_name TEXT NOT NULL,
       qualifier TEXT,
       input TEXT,
       state TEXT NOT NULL,
       catch_up TEXT NOT NULL,
       description TEXT NOT NULL DEFAULT '',
       start_date INTEGER,
       end_date INTEGER,
       action_after_completion TEXT NOT NULL DEFAULT 'NONE',
       anchor_at INTEGER NOT NULL,
       next_fire_at INTEGER,
       last_fire_at INTEGER,
       last_error TEXT,
       fire_count INTEGER NOT NULL DEFAULT 0,
       created_at INTEGER NOT NULL,
       updated_at INTEGER NOT NULL,
       extra TEXT NOT NULL DEFAULT '{}'
     );
     CREATE INDEX schedules_due ON schedules(state, next_fire_at);
     CREATE INDEX schedules_fn ON schedules(function_name);`,
  },
];

interface Row {
  name: string;
  expression: string;
  timezone: string;
  function_name: string;
  qualifier: string | null;
  input: string | null;
  state: ScheduleState;
  catch_up: CatchUpPolicy;
  description: string;
  start_date: number | null;
  end_date: number | null;
  action_after_completion: ActionAfterCompletion;
  anchor_at: number;
  next_fire_at: number | null;
  last_fire_at: number | null;
  last_error: string | null;
  fire_count: number;
  created_at: number;
  updated_at: number;
  extra: string;
}

const COLUMNS =
  'name, expression, timezone, function_name, qualifier, input, state, catch_up, description, start_date, end_date, ' +
  'action_after_completion, anchor_at, next_fire_at, last_fire_at, last_error, fire_count, created_at, updated_at, extra';

function toRow(s: Schedule): unknown[] {
  return [
    s.name,
    s.expression,
    s.timezone,
    s.functionName,
    s.qualifier,
    s.input,
    s.state,
    s.catchUp,
    s.description,
    s.startDate,
    s.endDate,
    s.actionAfterCompletion,
    s.anchorAt,
    s.nextFireAt,
    s.lastFireAt,
    s.lastError,
    s.fireCount,
    s.createdAt,
    s.updatedAt,
    JSON.stringify(s.extra),
  ];
}

function fromRow(r: Row): Schedule {
  return {
    name: r.name,
    expression: r.expression,
    timezone: r.timezone,
    functionName: r.function_name,
    qualifier: r.qualifier,
    input: r.input,
    state: r.state,
    catchUp: r.catch_up,
    description: r.description,
    startDate: r.start_date,
    endDate: r.end_date,
    actionAfterCompletion: r.action_after_completion,
    anchorAt: r.anchor_at,
    nextFireAt: r.next_fire_at,
    lastFireAt: r.last_fire_at,
    lastError: r.last_error,
    fireCount: r.fire_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    extra: JSON.parse(r.extra) as Record<string, unknown>,
  };
}

export interface ListQuery {
  prefix?: string;
  state?: ScheduleState;
  functionName?: string;
}

export interface FireRecord {
  nextFireAt: number | null;
  lastFireAt: number | null;
  fired: number;
  lastError: string | null;
}

export class ScheduleStore {
  private insertStmt;
  private replaceStmt;
  private getStmt;
  private deleteStmt;
  private dueStmt;
  private earliestStmt;
  private fireStmt;

  constructor(private db: Database.Database) {
    applyNamedMigrations(db, MIGRATIONS);
    const params = COLUMNS.split(',')
      .map(() => '?')
      .join(', ');
    this.insertStmt = db.prepare(`INSERT OR IGNORE INTO schedules (${COLUMNS}) VALUES (${params})`);
    this.replaceStmt = db.prepare(`REPLACE INTO schedules (${COLUMNS}) VALUES (${params})`);
    this.getStmt = db.prepare<[string], Row>('SELECT * FROM schedules WHERE name = ?');
    this.deleteStmt = db.prepare('DELETE FROM schedules WHERE name = ?');
    this.dueStmt = db.prepare<[number, number], Row>(
      `SELECT * FROM schedules WHERE state = 'ENABLED' AND next_fire_at IS NOT NULL AND next_fire_at <= ?
       ORDER BY next_fire_at, name LIMIT ?`,
    );
    this.earliestStmt = db.prepare<[], { t: number | null }>(
      `SELECT MIN(next_fire_at) AS t FROM schedules WHERE state = 'ENABLED' AND next_fire_at IS NOT NULL`,
    );
    this.fireStmt = db.prepare(
      `UPDATE schedules SET next_fire_at = ?, last_fire_at = COALESCE(?, last_fire_at), last_error = ?,
         fire_count = fire_count + ? WHERE name = ?`,
    );
  }

  /** Run `fn` in one SQLite transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** False when a schedule with that name exists. */
  insert(s: Schedule): boolean {
    return this.insertStmt.run(...toRow(s)).changes === 1;
  }

  put(s: Schedule): void {
    this.replaceStmt.run(...toRow(s));
  }

  get(name: string): Schedule | undefined {
    const r = this.getStmt.get(name);
    return r ? fromRow(r) : undefined;
  }

  list(q: ListQuery = {}): Schedule[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.prefix) {
      where.push('substr(name, 1, ?) = ?');
      args.push(q.prefix.length, q.prefix);
    }
    if (q.state) {
      where.push('state = ?');
      args.push(q.state);
    }
    if (q.functionName) {
      where.push('function_name = ?');
      args.push(q.functionName);
    }
    const sql = `SELECT * FROM schedules ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY name`;
    return this.db
      .prepare<unknown[], Row>(sql)
      .all(...args)
      .map(fromRow);
  }

  delete(name: string): boolean {
    return this.deleteStmt.run(name).changes === 1;
  }

  /** Enabled schedules whose next time has come, earliest first. */
  due(now: number, limit: number): Schedule[] {
    return this.dueStmt.all(now, limit).map(fromRow);
  }

  /** The earliest next time of any enabled schedule. */
  earliestNext(): number | undefined {
    return this.earliestStmt.get()?.t ?? undefined;
  }

  recordFire(name: string, f: FireRecord): void {
    this.fireStmt.run(f.nextFireAt, f.lastFireAt, f.lastError, f.fired, name);
  }
}
