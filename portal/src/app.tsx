import { Provider, useQuery } from '@urql/preact';
import { LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { parisDay } from './format.ts';
import { graphql } from './gql/index.ts';
import { createPortalClient, isRateLimited } from './graphql/client.ts';
import { readPreloaded } from './graphql/preloaded.ts';
import { GuardianHome, GuardianHomePage, guardianHomeVariables } from './pages/guardian-home.tsx';
import { PupilHomePage } from './pages/pupil-home.tsx';
import { TeacherHomePage } from './pages/teacher-home.tsx';
import { LOGOUT_URL } from './session.ts';
import { CONTACT_PROBLEMS_FUNCTIONS, holdsOneOf } from './staff-functions.ts';
import { NavigationCounts } from './ui/counters.ts';
import { useLiveUpdates } from './ui/live-updates.ts';
import { Loading, Notice } from './ui/notice.tsx';

const Shell = graphql(`
  query Shell {
    viewer {
      profile
      functions
      person {
        id
        displayName
      }
    }
  }
`);

// The home's first answer may come with the page (the router embeds it: graphql/preloaded.ts).
const client = createPortalClient(readPreloaded([GuardianHome]));

// The messaging's pages load when first opened: the first load stays small (portal/e2e/budget.test.ts).
const MailboxPage = lazy(() => import('./pages/messaging/mailbox.tsx'));
const MessagePage = lazy(() => import('./pages/messaging/message.tsx'));
const ComposePage = lazy(() => import('./pages/messaging/compose.tsx'));
const ReportsPage = lazy(() => import('./pages/messaging/reports.tsx'));
// So do the notifications' and the agenda's (the calendar feeds are a section of the agenda).
const NotificationsPage = lazy(() => import('./pages/notifications/notifications.tsx'));
const PreferencesPage = lazy(() => import('./pages/notifications/preferences.tsx'));
const AgendaPage = lazy(() => import('./pages/agenda/agenda.tsx'));
// And « Mes données » (the journal of access, the sessions): opened now and then, not on every visit.
const PrivacyPage = lazy(() => import('./pages/privacy.tsx').then((m) => m.PrivacyPage));
// And the staff's: their home and « Contacts injoignables » (few people: nobody else downloads them).
const StaffHomePage = lazy(() => import('./pages/staff/staff-home.tsx'));
const ContactProblemsPage = lazy(() => import('./pages/staff/contact-problems.tsx'));

const PAGES: { path: string; label: string; forFunctions?: readonly string[] }[] = [
  { path: '/', label: 'Accueil' },
  { path: '/messages', label: 'Messagerie' },
  { path: '/notifications', label: 'Notifications' },
  { path: '/agenda', label: 'Agenda' },
  { path: '/contacts-injoignables', label: 'Contacts injoignables', forFunctions: CONTACT_PROBLEMS_FUNCTIONS },
  { path: '/mes-donnees', label: 'Mes données' },
];

/** The pages of the navigation for a viewer holding these staff functions. */
const pagesFor = (functions: readonly string[]) => PAGES.filter((p) => !p.forFunctions || holdsOneOf(functions, p.forFunctions));

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

/**
 * Who is here decides the home page; a session that is gone sends to the login (graphql/client.ts).
 * Opened at `/`, the page asks who is here in the home's own query (one request instead of two in
 * a row: a slow network's latency counts per request); the guardian's home then reads the same answer.
 */
function Layout() {
  const { path } = useLocation();
  const [opened] = useState(() => ({ atHome: path === '/', variables: guardianHomeVariables(parisDay()) }));
  const [shellResult] = useQuery({ query: Shell, pause: opened.atHome });
  const [homeResult] = useQuery({ query: GuardianHome, variables: opened.variables, pause: !opened.atHome });
  const shell = opened.atHome ? homeResult : shellResult;
  const viewer = shell.data?.viewer;
  return (
    <>
      <a class="skip-link" href="#main">
        Aller au contenu
      </a>
      <header class="top">
        <p class="brand">ENT</p>
        {viewer && <FollowUpdates />}
        {viewer && (
          <nav aria-label="Navigation principale">
            <ul>
              {pagesFor(viewer.functions).map((page) => (
                <li key={page.path}>
                  <a href={page.path} aria-current={pageOf(path) === page ? 'page' : undefined}>
                    {page.label}
                    {page.path === '/messages' && <UnreadCount of="messages" />}
                    {page.path === '/notifications' && <UnreadCount of="notifications" />}
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
            {viewer.profile === 'STAFF' ? (
              <Route path="/" component={StaffHomePage} functions={viewer.functions} />
            ) : (
              <Route path="/" component={viewer.profile === 'GUARDIAN' ? GuardianHomePage : viewer.profile === 'STUDENT' ? PupilHomePage : TeacherHomePage} />
            )}
            <Route path="/messages" component={MailboxPage} />
            <Route path="/messages/new" component={ComposePage} />
            <Route path="/messages/signalements" component={ReportsPage} />
            <Route path="/messages/:id" component={MessagePage} />
            <Route path="/notifications" component={NotificationsPage} />
            <Route path="/notifications/preferences" component={PreferencesPage} />
            <Route path="/agenda" component={AgendaPage} />
            <Route path="/contacts-injoignables" component={ContactProblemsPage} />
            <Route path="/mes-donnees" component={PrivacyPage} />
            <Route default component={NotFound} />
          </Router>
        )}
      </main>
    </>
  );
}

/** What each counter of the navigation says to a screen reader. */
const UNREAD_SAID = {
  messages: (n: number) => (n === 1 ? '1 message non lu' : `${n} messages non lus`),
  notifications: (n: number) => (n === 1 ? '1 notification non lue' : `${n} notifications non lues`),
};

/** Follows what changes for the viewer while a page is open (ui/live-updates.ts); shows nothing itself. */
function FollowUpdates() {
  useLiveUpdates();
  return null;
}

/**
 * « Messagerie (3) », « Notifications (2) »: what is not yet read, from one request for both
 * (ui/counters.ts) asked again when a live update says they changed (a message or a notification
 * arrived, or was read on another device), at each change of page, and when the tab is shown again
 * after a minute or more (the live stream may have been down meanwhile);
 * urql gives both counters the one answer. Nothing shown at zero or when that part does not answer.
 */
function UnreadCount(props: { of: keyof typeof UNREAD_SAID }) {
  const { path } = useLocation();
  const [result, reexecute] = useQuery({ query: NavigationCounts });
  const shown = useRef(path);
  useEffect(() => {
    if (shown.current === path) return;
    shown.current = path;
    // Both counters see the same path change: only the first asks (the other gets the same answer).
    if (props.of === 'messages') reexecute({ requestPolicy: 'network-only' });
  }, [path, reexecute, props.of]);
  // Back to the tab after a while (the phone taken out of the pocket): what arrived meanwhile shows.
  // No timer: a region's hundreds of thousands of open pages must not poll the graph.
  useEffect(() => {
    if (props.of !== 'messages') return;
    let askedAt = Date.now();
    const onVisible = () => {
      if (document.visibilityState !== 'visible' || Date.now() - askedAt < 60_000) return;
      askedAt = Date.now();
      reexecute({ requestPolicy: 'network-only' });
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [reexecute, props.of]);
  const unread = (props.of === 'messages' ? result.data?.mailbox?.unreadCount : result.data?.viewer?.unreadNotifications) ?? 0;
  if (unread === 0) return null;
  return (
    <>
      <span class="counter" aria-hidden="true">
        {' '}
        ({unread})
      </span>
      <span class="visually-hidden">, {UNREAD_SAID[props.of](unread)}</span>
    </>
  );
}

const NotFound = () => (
  <Notice kind="info">
    Cette page n’existe pas. <a href="/">Retour à l’accueil</a>
  </Notice>
);
