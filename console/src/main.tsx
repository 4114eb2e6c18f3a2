import { render } from 'preact';
import { signOut, useLogin } from './auth';
import { LoginForm } from './components/login';
import { BrokersPage } from './pages/brokers';
import { ConfigPage } from './pages/config';
import { KvPage } from './pages/kv';
import { NameServersPage } from './pages/nameservers';
import { OverviewPage } from './pages/overview';
import { ReplicasPage } from './pages/replicas';
import { TopicRoutePage } from './pages/topic-route';
import { TopicsPage } from './pages/topics';
import { useHashPath } from './poll';

const SECTIONS = [
  { path: '/', label: 'Overview' },
  { path: '/brokers', label: 'Brokers' },
  { path: '/replicas', label: 'Replicas' },
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
    case '/replicas':
      return <ReplicasPage />;
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
  const login = useLogin();
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
        {login.signedIn && (
          <button type="button" class="sign-out" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      {/* A page starts again after a sign-in, so that it loads what it could not before. */}
      <main id="main">{login.request ? <LoginForm request={login.request} /> : <div key={login.signIns}>{page(path)}</div>}</main>
    </>
  );
}

document.title = `NameServer ${location.host}`;
render(<App />, document.getElementById('app')!);
