/** A small hand-rolled SVG time-series chart (bars, stacked bars or lines) and a sparkline. */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { clock } from '../format.ts';

export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

interface ChartProps {
  title: string;
  times: number[];
  step: number;
  series: Series[];
  kind: 'bars' | 'lines';
  format?: (v: number) => string;
  /** Counts: only whole-number ticks. */
  integer?: boolean;
  height?: number;
}

const PAD = { left: 48, right: 12, top: 10, bottom: 22 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const f = v / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(600);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => e && setW(Math.max(200, Math.floor(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}

export function Chart({
  title,
  times,
  step,
  series,
  kind,
  format = String,
  integer = false,
  height = 160,
}: ChartProps) {
  const [ref, width] = useWidth();
  const n = times.length;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const totals = times.map((_, i) =>
    kind === 'bars'
      ? series.reduce((s, x) => s + (x.values[i] ?? 0), 0)
      : Math.max(0, ...series.map((x) => x.values[i] ?? 0)),
  );
  const yMax = niceMax(Math.max(0, ...totals));
  const x = (i: number) => PAD.left + (i / n) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / yMax) * plotH;
  const bw = Math.max(1, plotW / n - 1);
  const ticks = (integer && yMax % 2 ? [0, 1] : [0, 0.5, 1]).map((f) => f * yMax);
  const labelEvery = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(plotW / 90))));
  const empty = totals.every((t) => t === 0);

  return (
    <div className="chart" ref={ref}>
      <div className="chart-head">
        <span className="chart-title">{title}</span>
        <span className="legend">
          {series.map((s) => (
            <span key={s.name}>
              <i style={{ background: s.color }} />
              {s.name}
            </span>
          ))}
        </span>
      </div>
      <svg width={width} height={height} role="img" aria-label={title}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={width - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="tick">
              {format(t)}
            </text>
          </g>
        ))}
        {times.map((t, i) =>
          i % labelEvery === 0 ? (
            <text key={t} x={x(i)} y={height - 6} className="tick">
              {clock(t).slice(0, step >= 60_000 ? 5 : 8)}
            </text>
          ) : null,
        )}
        {kind === 'bars'
          ? times.map((t, i) => {
              let base = 0;
              return (
                <g key={t}>
                  {series.map((s) => {
                    const v = s.values[i] ?? 0;
                    if (!v) return null;
                    const y0 = y(base);
                    base += v;
                    return (
                      <rect key={s.name} x={x(i) + 0.5} width={bw} y={y(base)} height={y0 - y(base)} fill={s.color}>
                        <title>{`${clock(t)} ${s.name}: ${format(v)}`}</title>
                      </rect>
                    );
                  })}
                </g>
              );
            })
          : series.map((s) => {
              // Runs of consecutive values; a bucket without data breaks the line.
              const runs: string[][] = [[]];
              s.values.forEach((v, i) => {
                if (v === null) runs.push([]);
                else runs.at(-1)!.push(`${x(i) + bw / 2},${y(v)}`);
              });
              return (
                <g key={s.name}>
                  {runs
                    .filter((r) => r.length > 1)
                    .map((r, k) => (
                      <polyline key={k} points={r.join(' ')} fill="none" stroke={s.color} strokeWidth={1.5} />
                    ))}
                  {s.values.map((v, i) =>
                    v === null ? null : (
                      <circle key={i} cx={x(i) + bw / 2} cy={y(v)} r={2} fill={s.color}>
                        <title>{`${clock(times[i]!)} ${s.name}: ${format(v)}`}</title>
                      </circle>
                    ),
                  )}
                </g>
              );
            })}
        {empty && (
          <text x={PAD.left + plotW / 2} y={PAD.top + plotH / 2} textAnchor="middle" className="empty-label">
            no data in this period
          </text>
        )}
      </svg>
    </div>
  );
}

export function Sparkline({ values, errors }: { values: number[]; errors?: number[] }) {
  const w = 96;
  const h = 22;
  const max = Math.max(1, ...values);
  const bw = w / values.length;
  return (
    <svg width={w} height={h} className="spark" aria-hidden>
      {values.map((v, i) => {
        const e = errors?.[i] ?? 0;
        const hv = (v / max) * (h - 2);
        const he = (e / max) * (h - 2);
        return (
          <g key={i}>
            {v > 0 && <rect x={i * bw} y={h - hv} width={bw - 1} height={Math.max(1, hv)} fill="var(--accent)" />}
            {e > 0 && <rect x={i * bw} y={h - he} width={bw - 1} height={Math.max(1, he)} fill="var(--bad)" />}
          </g>
        );
      })}
      <line x1={0} x2={w} y1={h - 0.5} y2={h - 0.5} stroke="var(--line)" />
    </svg>
  );
}
