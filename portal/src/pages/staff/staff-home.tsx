import { CONTACT_PROBLEMS_FUNCTIONS, holdsOneOf, MODERATION_FUNCTIONS } from '../../staff-functions.ts';

/** What a staff member can do from here, by their functions: each line a link and what it is for. */
export default function StaffHomePage(props: { functions: readonly string[] }) {
  const actions = [
    ...(holdsOneOf(props.functions, MODERATION_FUNCTIONS)
      ? [{ href: '/messages/signalements', label: 'Messages signalés', what: 'les messages signalés à la direction, avec leur motif' }]
      : []),
    ...(holdsOneOf(props.functions, CONTACT_PROBLEMS_FUNCTIONS)
      ? [{ href: '/contacts-injoignables', label: 'Contacts injoignables', what: 'les personnes que l’ENT n’a pas pu prévenir, et pourquoi' }]
      : []),
    { href: '/agenda', label: 'Agenda', what: 'les événements de l’établissement ; ajouter une réunion pour une classe ou tout l’établissement' },
    { href: '/messages', label: 'Messagerie', what: 'écrire aux familles et aux équipes' },
    { href: '/mes-donnees', label: 'Mes données', what: 'qui a consulté vos données, vos sessions' },
  ];
  return (
    <article class="card" aria-labelledby="staff-home-title">
      <h2 id="staff-home-title">Ce que vous pouvez faire</h2>
      <ul class="actions">
        {actions.map((a) => (
          <li key={a.href}>
            <a href={a.href}>{a.label}</a>
            <span class="muted"> : {a.what}</span>
          </li>
        ))}
      </ul>
    </article>
  );
}
