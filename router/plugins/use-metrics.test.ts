import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MetricLabels, UNREGISTERED } from './use-metrics.ts';

describe('metric labels', () => {
  const manifest = [
    'query GuardianDashboard { viewer { children { id } } }',
    'mutation JustifyAbsence { justify }',
    'not a document',
    `query ${'L'.repeat(300)} { a }`,
  ];
  const labels = new MetricLabels(manifest);

  it('name the operations of the trusted-documents manifest, and nothing else', () => {
    expect(labels.operationName('GuardianDashboard')).toBe('GuardianDashboard');
    expect(labels.operation(parse('mutation JustifyAbsence { justify }'))).toEqual({ operationName: 'JustifyAbsence', operationType: 'mutation' });
    expect(labels.operationName('Probe123')).toBe(UNREGISTERED);
    expect(labels.operationName(undefined)).toBe(UNREGISTERED);
    // What the document runs counts, not the name a client claims beside it.
    expect(labels.operation(parse('query Other { a }'), 'GuardianDashboard')).toEqual({ operationName: UNREGISTERED, operationType: 'unknown' });
  });

  it('cap a registered name’s length', () => {
    expect(labels.operationName('L'.repeat(300))).toBe('L'.repeat(64));
    expect(labels.operationName('L'.repeat(64))).toBe(UNREGISTERED);
  });

  it('without a manifest, label every operation unregistered', () => {
    const none = new MetricLabels();
    expect(none.operation(parse('query GuardianDashboard { a }'))).toEqual({ operationName: UNREGISTERED, operationType: 'query' });
  });
});
