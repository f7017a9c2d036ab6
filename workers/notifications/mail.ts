import { escapeMarkup } from '../../lib/markup.ts';
import type { Rendered } from './render.ts';

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

const absolute = (portalUrl: string, link: string) => `${portalUrl.replace(/\/$/, '')}${link}`;

/** A one-column page that reads on a phone: no images, no remote content, the text version beside it. */
function page(title: string, body: string, portalUrl: string): string {
  return [
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${escapeMarkup(title)}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1b1b1b;max-width:40em">',
    body,
    `<p style="margin-top:24px"><a href="${escapeMarkup(portalUrl)}" style="color:#000091">Ouvrir l'ENT</a></p>`,
    '<p style="color:#555;font-size:13px">Vous recevez ce message selon vos préférences de notification, modifiables dans l’ENT (Notifications → Préférences).</p>',
    '</body></html>',
  ].join('');
}

/** One notification by e-mail. */
export function singleMail(words: Rendered, portalUrl: string): ComposedMail {
  const link = absolute(portalUrl, words.link);
  return {
    subject: words.title,
    text: `${words.body}\n\nVoir dans l'ENT : ${link}\n\nVous recevez ce message selon vos préférences de notification, modifiables dans l’ENT.`,
    html: page(words.title, `<h1 style="font-size:20px">${escapeMarkup(words.title)}</h1><p>${escapeMarkup(words.body)}</p>`, link),
  };
}

/** One line of a digest: the sentence alone when it already says the title (« Absence de Léa le … »). */
const line = (w: Rendered) => (w.body.startsWith(w.title) ? w.body : `${w.title} : ${w.body}`);

/** The daily or weekly digest: every line since the last one, grouped by child (the person's own first). */
export function digestMail(frequency: 'daily' | 'weekly', lines: readonly { child?: string; words: Rendered }[], portalUrl: string): ComposedMail {
  const groups = new Map<string, Rendered[]>();
  for (const line of lines) {
    const heading = line.child ?? 'Pour vous';
    groups.set(heading, [...(groups.get(heading) ?? []), line.words]);
  }
  const count = lines.length;
  const subject = `${frequency === 'weekly' ? 'Votre semaine' : 'Votre journée'} à l’école : ${count} nouveauté${count > 1 ? 's' : ''}`;
  const sections = [...groups].sort(([a], [b]) => (a === 'Pour vous' ? -1 : b === 'Pour vous' ? 1 : a.localeCompare(b, 'fr')));
  const text = sections.map(([heading, items]) => `${heading}\n${items.map((w) => `- ${line(w)}`).join('\n')}`).join('\n\n');
  const html = sections
    .map(
      ([heading, items]) =>
        `<h2 style="font-size:18px;margin:20px 0 8px">${escapeMarkup(heading)}</h2><ul style="padding-left:20px;margin:0">${items
          .map((w) => `<li style="margin-bottom:8px">${escapeMarkup(line(w))}</li>`)
          .join('')}</ul>`,
    )
    .join('');
  return {
    subject,
    text: `${subject}\n\n${text}\n\nVoir dans l'ENT : ${portalUrl}\n\nVous recevez ce résumé selon vos préférences de notification, modifiables dans l’ENT.`,
    html: page(subject, `<h1 style="font-size:20px">${escapeMarkup(subject)}</h1>${html}`, portalUrl),
  };
}
