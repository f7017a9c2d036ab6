import { Provider, useQuery } from '@urql/preact';
import { LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { useEffect, useRef } from 'preact/hooks';
import { graphql } from './gql/index.ts';
import { createPortalClient, isRateLimited } from './graphql/client.ts';
import { CalendarFeedsPage } from './pages/calendar-feeds.tsx';
import { GuardianHomePage } from './pages/guardian-home.tsx';
import { PrivacyPage } from './pages/privacy.tsx';
import { PupilHomePage } from './pages/pupil-home.tsx';
import { TeacherHomePage } from './pages/teacher-home.tsx';
import { UnreadMessages } from './pages/messaging/unread.ts';
import { LOGOUT_URL } from './session.ts';
import { Loading, Notice } from './ui/notice.tsx';

const Shell = graphql(`
  query Shell {
    viewer {
      profile
      person {
        id
        displayName
      }
    }
  }
`);

const client = createPortalClient();

// The messaging's pages load when first opened: the first load stays small (portal/e2e/budget.test.ts).
const MailboxPage = lazy(() => import('./pages/messaging/mailbox.tsx'));
const MessagePage = lazy(() => import('./pages/messaging/message.tsx'));
const ComposePage = lazy(() => import('./pages/messaging/compose.tsx'));
const ReportsPage = lazy(() => import('./pages/messaging/reports.tsx'));

const PAGES = [
  { path: '/', label: 'Accueil' },
  { path: '/messages', label: 'Messagerie' },
  { path: '/agenda', label: 'Agenda' },
  { path: '/mes-donnees', label: 'Mes données' },
];

/** The page of the navigation a path belongs to (a message belongs to « Messagerie »). */
const pageOf = (path: string) => PAGES.find((p) => p.path === path || (p.path !== '/' && path.startsWith(`${p.path}/`)));

export function App() {
  return (
    <Provider value={client}>
      <LocationProvider>
        <Layout />
      </LocationProvider>
    </Provider>
  );
}

/** Who is here decides the home page; a session that is gone sends to the login (graphql/client.ts). */
function Layout() {
  const [shell] = useQuery({ query: Shell });
  const { path } = useLocation();
  const viewer = shell.data?.viewer;
  return (
    <>
      <a class="skip-link" href="#main">
        Aller au contenu
      </a>
      <header class="top">
        <p class="brand">ENT</p>
        {viewer && (
          <nav aria-label="Navigation principale">
            <ul>
              {PAGES.map((page) => (
                <li key={page.path}>
                  <a href={page.path} aria-current={pageOf(path) === page ? 'page' : undefined}>
                    {page.label}
                    {page.path === '/messages' && <UnreadCount />}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {viewer && (
          <p class="who">
            {viewer.person.displayName} · <a href={LOGOUT_URL}>Se déconnecter</a>
          </p>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <h1 class={viewer ? 'visually-hidden' : undefined}>{pageOf(path)?.label ?? 'Portail'}</h1>
        {isRateLimited(shell.error) ? (
          <Notice kind="warning">Trop de demandes en peu de temps : patientez une minute, puis rechargez la page.</Notice>
        ) : shell.fetching && !viewer ? (
          <Loading />
        ) : !viewer ? (
          <Notice kind="error">Le portail ne répond pas. Vérifiez votre connexion et réessayez.</Notice>
        ) : (
          <Router>
            <Route
              path="/"
              component={
                viewer.profile === 'GUARDIAN'
                  ? GuardianHomePage
                  : viewer.profile === 'STUDENT'
                    ? PupilHomePage
                    : viewer.profile === 'TEACHER'
                      ? TeacherHomePage
                      : StaffHome
              }
            />
            <Route path="/messages" component={MailboxPage} />
            <Route path="/messages/new" component={ComposePage} />
            <Route path="/messages/signalements" component={ReportsPage} />
            <Route path="/messages/:id" component={MessagePage} />
            <Route path="/agenda" component={CalendarFeedsPage} />
            <Route path="/mes-donnees" component={PrivacyPage} />
            <Route default component={NotFound} />
          </Router>
        )}
      </main>
    </>
  );
}

/**
 * « Messagerie (3) »: the messages received and not yet opened, asked again at each change of page
 * (a message opened, one arrived meanwhile); nothing shown at zero or when the messaging does not answer.
 */
function UnreadCount() {
  const { path } = useLocation();
  const [result, reexecute] = useQuery({ query: UnreadMessages });
  const shown = useRef(path);
  useEffect(() => {
    if (shown.current === path) return;
    shown.current = path;
    reexecute({ requestPolicy: 'network-only' });
  }, [path, reexecute]);
  const unread = result.data?.mailbox?.unreadCount ?? 0;
  if (unread === 0) return null;
  return (
    <>
      <span aria-hidden="true"> ({unread})</span>
      <span class="visually-hidden">, {unread === 1 ? '1 message non lu' : `${unread} messages non lus`}</span>
    </>
  );
}

const StaffHome = () => (
  <Notice kind="info">Bienvenue. Les pages du personnel de direction et de vie scolaire arrivent avec les prochaines versions du portail.</Notice>
);
const NotFound = () => (
  <Notice kind="info">
    Cette page n’existe pas. <a href="/">Retour à l’accueil</a>
  </Notice>
);
