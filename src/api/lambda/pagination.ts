/** Marker/MaxItems pagination as the Lambda list operations use it. */
import { GustError } from '../../errors.ts';

export function paginate<T>(
  items: T[],
  key: (t: T) => string,
  query: { Marker?: string; MaxItems?: string },
  defaultMax = 50,
): { page: T[]; nextMarker?: string } {
  const max = query.MaxItems !== undefined ? Number(query.MaxItems) : defaultMax;
  if (!Number.isInteger(max) || max < 1 || max > 10000) {
    throw new GustError(
      'GUST_VALIDATION',
      `1 validation error detected: Value '${query.MaxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`,
    );
  }
  let start = 0;
  if (query.Marker) {
    const after = Buffer.from(query.Marker, 'base64url').toString('utf8');
    const i = items.findIndex((t) => key(t) === after);
    if (i < 0) throw new GustError('GUST_INVALID_PARAMETER', `Invalid marker: ${query.Marker}`);
    start = i + 1;
  }
  const page = items.slice(start, start + max);
  const nextMarker = start + max < items.length ? Buffer.from(key(page.at(-1)!)).toString('base64url') : undefined;
  return { page, nextMarker };
}
