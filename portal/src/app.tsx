import { Provider, useQuery } from '@urql/preact';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { graphql } from './gql/index.ts';
import { createPortalClient, isRateLimited } from './graphql/client.ts';
import { CalendarFeedsPage } from './pages/calendar-feeds.tsx';
import { GuardianHomePage } from './pages/guardian-home.tsx';
import { PrivacyPage } from './pages/privacy.tsx';
import { PupilHomePage } from './pages/pupil-home.tsx';
import { TeacherHomePage } from './pages/teacher-home.tsx';
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

const PAGES = [
  { path: '/', label: 'Accueil' },
  { path: '/agenda', label: 'Agenda' },
  { path: '/mes-donnees', label: 'Mes données' },
];

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
                  <a href={page.path} aria-current={path === page.path ? 'page' : undefined}>
                    {page.label}
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
        <h1 class={viewer ? 'visually-hidden' : undefined}>{PAGES.find((p) => p.path === path)?.label ?? 'Portail'}</h1>
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
            <Route path="/agenda" component={CalendarFeedsPage} />
            <Route path="/mes-donnees" component={PrivacyPage} />
            <Route default component={NotFound} />
          </Router>
        )}
      </main>
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
