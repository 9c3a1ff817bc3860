/** The filter selects of the list pages: which function, which period (one of RANGES). */
import { listFunctions } from '../api.ts';
import { useAsync } from '../hooks.ts';
import { RANGES } from '../stats.ts';

/** The `range` query parameter when it names one of RANGES, else `fallback`. */
export function rangeParam(query: URLSearchParams, fallback = '1h'): string {
  const range = query.get('range') ?? '';
  return RANGES[range] ? range : fallback;
}

/** "all functions" (the empty string) or one deployed function. */
export function FunctionSelect({ value, onChange }: { value: string; onChange: (fn: string) => void }) {
  const fns = useAsync(listFunctions, []);
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="function">
      <option value="">all functions</option>
      {fns.data?.map((f) => (
        <option key={f.FunctionName}>{f.FunctionName}</option>
      ))}
    </select>
  );
}

export function PeriodSelect({ value, onChange }: { value: string; onChange: (range: string) => void }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="period">
      {Object.entries(RANGES).map(([k, v]) => (
        <option key={k} value={k}>
          {v.label}
        </option>
      ))}
    </select>
  );
}
