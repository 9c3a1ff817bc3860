/** Small presentational pieces shared by the pages. */
import type { ReactNode } from 'react';
import type { Optional } from '../api.ts';
import type { Loaded } from '../hooks.ts';

export function Card({
  title,
  actions,
  children,
  id,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  id?: string;
}) {
  return (
    <section className="card" id={id}>
      {(title || actions) && (
        <header>
          <h2>{title}</h2>
          {actions && <div className="actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export function KeyValue({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="kv">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v ?? '–'}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Stat({ label, value, tone }: { label: string; value: ReactNode; tone?: 'bad' | 'warn' | 'good' }) {
  return (
    <div className={`stat ${tone ?? ''}`}>
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

export function Outcome({ outcome, errorType }: { outcome: string; errorType?: string | null }) {
  const tone = outcome === 'success' ? 'good' : outcome === 'throttle' ? 'warn' : 'bad';
  return (
    <span className={`badge ${tone}`} title={errorType ?? undefined}>
      {outcome}
    </span>
  );
}

export function NotAvailable({ what, detail }: { what: string; detail?: string }) {
  return (
    <p className="muted not-available">
      {what} is not available on this server{detail ? ` (${detail})` : ''}.
    </p>
  );
}

/** An optional API's answer: its data, "None." when it has none, or that the server does not have it. */
export function OptionalView<T>({
  value,
  what,
  children,
}: {
  value: Optional<T>;
  what: string;
  children: (v: T) => ReactNode;
}) {
  if (value.state === 'ok') return <>{children(value.data)}</>;
  if (value.state === 'none') return <p className="muted">None.</p>;
  return <NotAvailable what={what} />;
}

export function ErrorBox({ error }: { error: Error }) {
  return <div className="error-box">{error.message}</div>;
}

/** Renders loading / error states around data that loads asynchronously. */
export function Async<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ReactNode }) {
  if (state.data !== undefined)
    return (
      <>
        {state.error && <ErrorBox error={state.error} />}
        {children(state.data)}
      </>
    );
  if (state.error) return <ErrorBox error={state.error} />;
  return <p className="muted">Loading…</p>;
}

export function Tabs({ tabs, active }: { tabs: [string, string, string][]; active: string }) {
  return (
    <nav className="tabs">
      {tabs.map(([key, label, link]) => (
        <a key={key} href={link} className={key === active ? 'active' : ''}>
          {label}
        </a>
      ))}
    </nav>
  );
}

export function Mono({ children }: { children: ReactNode }) {
  return <code className="mono">{children}</code>;
}
