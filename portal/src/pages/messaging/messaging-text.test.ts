import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { recallProblem, sendingProblem } from './problems.ts';
import { textToHtml } from './text-to-html.ts';

const refusal = (code: string, extensions: Record<string, unknown> = {}) =>
  new CombinedError({ graphQLErrors: [new GraphQLError('an English message for developers', { extensions: { code, ...extensions } })] });

describe('the messaging’s words for the hub’s answers', () => {
  it('names the refused recipients in French, from the ids the error gives', () => {
    const names: Record<string, string> = { p1: 'Élodie GIRARD', 'class-guardians:x$5EA': 'Parents de 5EA' };
    const said = sendingProblem(refusal('FORBIDDEN', { recipients: ['class-guardians:x$5EA', 'p1'] }), (id) => names[id] ?? id);
    expect(said).toBe('Vous ne pouvez pas écrire à Parents de 5EA, Élodie GIRARD. Retirez ces destinataires : rien n’a été envoyé.');
  });

  it('says the daily limit, the input refused, a recall too late, never the graph’s English', () => {
    expect(sendingProblem(refusal('QUOTA_EXCEEDED', { limit: 200 }), String)).toMatch(/^Vous avez atteint la limite de 200 messages par jour/);
    expect(sendingProblem(refusal('BAD_USER_INPUT'), String)).toMatch(/^Le message n’a pas pu être envoyé : vérifiez/);
    expect(recallProblem(refusal('RECALL_TOO_LATE'))).toBe('Trop tard pour rappeler ce message : le délai après l’envoi est dépassé.');
    for (const code of ['FORBIDDEN', 'QUOTA_EXCEEDED', 'BAD_USER_INPUT', 'SOMETHING_ELSE'])
      expect(sendingProblem(refusal(code), String)).not.toMatch(/English/);
  });
});

describe('the text typed, as the message’s HTML', () => {
  it('makes paragraphs of the blocks and keeps the line breaks, with < > & as text', () => {
    expect(textToHtml('Bonjour,\r\n\r\n\r\nRendez-vous <jeudi> & vendredi ?\nMerci.\n')).toBe(
      '<p>Bonjour,</p><p>Rendez-vous &lt;jeudi&gt; &amp; vendredi ?<br>Merci.</p>',
    );
    expect(textToHtml('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(textToHtml('  \n\n ')).toBe('');
  });
});
