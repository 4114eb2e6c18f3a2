import { render } from 'preact';
import { BrokersPage } from './pages/brokers';
import { ConfigPage } from './pages/config';
import { KvPage } from './pages/kv';
import { NameServersPage } from './pages/nameservers';
import { OverviewPage } from './pages/overview';
import { TopicRoutePage } from './pages/topic-route';
import { TopicsPage } from './pages/topics';
import { useHashPath } from './poll';

const SECTIONS = [
  { path: '/', label: 'Overview' },
  { path: '/brokers', label: 'Brokers' },
  { path: '/topics', label: 'Topics' },
  { path: '/kv', label: 'KV' },
  { path: '/config', label: 'Config' },
  { path: '/nameservers', label: 'NameServers' },
];

function page(path: string) {
  if (path.startsWith('/topics/')) return <TopicRoutePage topic={path.slice('/topics/'.length)} />;
  switch (path) {
    case '/brokers':
      return <BrokersPage />;
    case '/topics':
      return <TopicsPage />;
    case '/kv':
      return <KvPage />;
    case '/config':
      return <ConfigPage />;
    case '/nameservers':
      return <NameServersPage />;
    default:
      return <OverviewPage />;
  }
}

function App() {
  const path = useHashPath();
  const section = SECTIONS.find((s) => s.path !== '/' && (path === s.path || path.startsWith(`${s.path}/`)))?.path ?? '/';
  return (
    <>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ◆
          </span>{' '}
          NameServer <span class="muted">{location.host}</span>
        </div>
        <nav aria-label="Sections">
          {SECTIONS.map((s) => (
            <a href={`#${s.path}`} aria-current={s.path === section ? 'page' : undefined}>
              {s.label}
            </a>
          ))}
        </nav>
      </header>
      <main id="main">{page(path)}</main>
    </>
  );
}

document.title = `NameServer ${location.host}`;
render(<App />, document.getElementById('app')!);
