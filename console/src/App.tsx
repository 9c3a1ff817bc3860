/** Layout and hash routing: #/ functions, #/functions/:name[/tab], #/functions/:name/invocations/:id, #/invocations, #/metrics, #/cost. */
import { health } from './api.ts';
import { useAsync, useRoute } from './hooks.ts';
import { CostPage } from './pages/Cost.tsx';
import { FunctionPage } from './pages/FunctionPage.tsx';
import { FunctionsPage } from './pages/Functions.tsx';
import { InvocationPage } from './pages/InvocationPage.tsx';
import { InvocationsPage } from './pages/Invocations.tsx';
import { MetricsPage } from './pages/Metrics.tsx';

function Page() {
  const route = useRoute();
  const [top, name, sub, id] = route.path;
  switch (top) {
    case undefined:
      return <FunctionsPage />;
    case 'functions':
      if (!name) return <FunctionsPage />;
      if (sub === 'invocations' && id) return <InvocationPage fn={name} requestId={id} />;
      return <FunctionPage key={name} name={name} route={route} />;
    case 'invocations':
      return <InvocationsPage route={route} />;
    case 'metrics':
      return <MetricsPage route={route} />;
    case 'cost':
      return <CostPage route={route} />;
    default:
      return (
        <p className="muted">
          Nothing here. <a href="#/">Functions</a>
        </p>
      );
  }
}

function Nav() {
  const route = useRoute();
  const top = route.path[0] ?? 'functions';
  const h = useAsync(health, [], 15_000);
  const p = h.data?.placement as { environments?: number; busy?: number } | undefined;
  const links: [string, string][] = [
    ['functions', 'Functions'],
    ['invocations', 'Invocations'],
    ['metrics', 'Metrics'],
    ['cost', 'Cost'],
  ];
  return (
    <header className="topbar">
      <a className="brand" href="#/">
        <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden>
          <path
            d="M3 8h11a3 3 0 1 0-3-3M3 12h16a3 3 0 1 1-3 3M3 16h8"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
          />
        </svg>
        Gust
      </a>
      <nav>
        {links.map(([k, label]) => (
          <a key={k} href={`#/${k === 'functions' ? '' : k}`} className={top === k ? 'active' : ''}>
            {label}
          </a>
        ))}
      </nav>
      <div className="server" title="GET /gust/v1/health">
        {h.data ? (
          <>
            <span className="dot ok" /> v{h.data.version}
            {p?.environments !== undefined && (
              <span className="muted">
                {' '}
                · {p.environments} environments, {p.busy ?? 0} busy
              </span>
            )}
          </>
        ) : h.error ? (
          <>
            <span className="dot bad" /> server unreachable
          </>
        ) : null}
      </div>
    </header>
  );
}

export function App() {
  return (
    <>
      <Nav />
      <main>
        <Page />
      </main>
    </>
  );
}
