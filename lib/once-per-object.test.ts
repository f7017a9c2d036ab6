import { describe, expect, it } from 'vitest';
import { oncePerObject } from './once-per-object.ts';

describe('oncePerObject', () => {
  it('computes once per object, and again for a new object (a reloaded supergraph)', () => {
    const calls: object[] = [];
    const sizeOf = oncePerObject((document: { definitions: unknown[] }) => {
      calls.push(document);
      return { size: document.definitions.length };
    });
    const first = { definitions: [1, 2] };
    const reloaded = { definitions: [1, 2, 3] };
    expect(sizeOf(first)).toBe(sizeOf(first));
    expect(sizeOf(reloaded)).toEqual({ size: 3 });
    expect(calls).toEqual([first, reloaded]);
  });
});
