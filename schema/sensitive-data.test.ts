import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unguardedSensitiveFields } from './sensitive-data.ts';
import { SUPERGRAPH_PATH } from './subgraphs.ts';

describe('sensitive data always carries an authorization directive', () => {
  it('no field of the composed supergraph leaks: every sensitive field is guarded', () => {
    expect(unguardedSensitiveFields(readFileSync(SUPERGRAPH_PATH, 'utf8'))).toEqual([]);
  });

  it('the check does catch a new unguarded field (so it cannot pass by accident)', () => {
    const leaky = `
      type Query { pupil: Pupil }
      type Pupil { name: String birthDate: String grades: [Grade] address: Address @requiresScopes(scopes: [["x"]]) }
      type Grade { value: Float }
      type Address { city: String }
      type Dossier @authenticated { email: String }`;
    expect(unguardedSensitiveFields(leaky)).toEqual(['Pupil.birthDate', 'Pupil.grades']);
  });
});
