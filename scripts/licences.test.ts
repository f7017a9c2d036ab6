import { describe, expect, it } from 'vitest';
import { describeLicence, licenceAllowed, productionLicences } from './licences.ts';

describe('licenceAllowed', () => {
  it('reads SPDX expressions: OR passes if one side does, AND only if both do', () => {
    expect(licenceAllowed('MIT')).toBe(true);
    expect(licenceAllowed('BlueOak-1.0.0')).toBe(true);
    expect(licenceAllowed('(MIT OR CC0-1.0)')).toBe(true);
    expect(licenceAllowed('(Elastic-2.0 OR MIT)')).toBe(true);
    expect(licenceAllowed('(MIT AND BSD-3-Clause)')).toBe(true);
    expect(licenceAllowed('(MIT AND Elastic-2.0)')).toBe(false);
    expect(licenceAllowed('MIT AND (Elastic-2.0 OR Apache-2.0)')).toBe(true);
    expect(licenceAllowed('Apache-2.0 WITH LLVM-exception')).toBe(true);
    expect(licenceAllowed('LGPL-2.1+')).toBe(false); // a deprecated id: not in the list
    expect(licenceAllowed('Apache-2.0+')).toBe(true);
  });

  it('refuses what is not an OSI-approved licence, and what it cannot read', () => {
    for (const licence of ['Elastic-2.0', 'UNLICENSED', 'UNKNOWN', 'SSPL-1.0', 'BUSL-1.1', 'Custom: https://example.com', '', '(MIT', 'MIT OR', 'MIT WITH'])
      expect(licenceAllowed(licence), licence).toBe(false);
  });
});

describe('licences of the production dependency tree', () => {
  it('are all OSI-approved (Elastic and unlicensed packages only as development dependencies)', async () => {
    const packages = await productionLicences();
    expect(packages.length).toBeGreaterThan(50);
    const byLicence = new Map<string, number>();
    for (const p of packages) byLicence.set(p.licence, (byLicence.get(p.licence) ?? 0) + 1);
    console.log(
      `${packages.length} production packages: ${[...byLicence]
        .sort((a, b) => b[1] - a[1])
        .map(([licence, n]) => `${licence} ${n}`)
        .join(', ')}`,
    );
    expect(packages.filter((p) => !p.allowed).map(describeLicence)).toEqual([]);
  }, 60_000);
});
