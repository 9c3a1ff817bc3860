/**
 * Log levels of function log lines, parsed once when a line is collected and stored with it (the
 * `logs.level` column), so that level filters are an indexed SQL condition instead of a scan.
 *
 * Recognised shapes:
 * - Lambda's Text format (Node):   `<iso time>\t<request id>\t<LEVEL>\t<message>`
 * - Lambda's Text format (Python): `[LEVEL]\t<iso time>\t<request id>\t<message>`, `[ERROR] Type: msg`
 * - JSON lines:                    `{"level": "..."}` (also `log_level`, AWS's Python error record)
 * - Gust's platform error lines:   `RequestId: <id> Error: ...`, `<time> <id> Task timed out after ...`
 * Anything else (plain prints, START/END/REPORT) has no level.
 */

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const ALIASES: Record<string, LogLevel> = {
  TRACE: 'TRACE',
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  WARN: 'WARN',
  WARNING: 'WARN',
  ERROR: 'ERROR',
  FATAL: 'FATAL',
  CRITICAL: 'FATAL',
};

/** A level name as users and runtimes spell it (case-insensitive, WARNING, CRITICAL) → LogLevel. */
export function normalizeLevel(s: string): LogLevel | undefined {
  return ALIASES[s.toUpperCase()];
}

/** The level and every more severe one: the set a "--level X" filter shows. */
export function levelsAtLeast(min: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(LOG_LEVELS.indexOf(min));
}

const NODE_TEXT = /^\d{4}-\d\d-\d\dT[^\t]*\t[^\t]*\t([A-Z]{4,8})\t/;
const PYTHON_TEXT = /^\[([A-Z]{4,8})\][\t ]/;
const PLATFORM_ERROR = /^(?:RequestId: \S* Error: |\S+ \S+ Task timed out after )/;

export function parseLogLevel(message: string): LogLevel | null {
  const c = message.charCodeAt(0);
  if (c === 123 /* { */) {
    if (!message.includes('level')) return null;
    try {
      const o = JSON.parse(message) as unknown;
      if (o && typeof o === 'object' && !Array.isArray(o)) {
        const rec = o as Record<string, unknown>;
        const v = rec.level ?? rec.log_level;
        if (typeof v === 'string') return normalizeLevel(v) ?? null;
      }
    } catch {
      /* not JSON */
    }
    return null;
  }
  const m = (c === 91 /* [ */ ? PYTHON_TEXT : NODE_TEXT).exec(message);
  if (m) return normalizeLevel(m[1]!) ?? null;
  return PLATFORM_ERROR.test(message) ? 'ERROR' : null;
}
