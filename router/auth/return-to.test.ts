import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.ts';

const ORIGIN = 'https://ent.example.fr';

describe('return_to after login', () => {
  it('keeps a path of the hub, as the URL parser serializes it', () => {
    expect(safeReturnTo('/timetable?week=2#today', ORIGIN)).toBe('/timetable?week=2#today');
    expect(safeReturnTo('/élève', ORIGIN)).toBe('/%C3%A9l%C3%A8ve');
    expect(safeReturnTo('/a/./b/../c', ORIGIN)).toBe('/a/c');
    expect(safeReturnTo('/a\\b', ORIGIN)).toBe('/a/b');
  });

  it.each([
    ['tab', '/\t/evil.example'],
    ['encoded tab', '/%09/evil.example'],
    ['double-encoded tab', '/%2509/evil.example'],
    ['newline', '/x\n'],
    ['CR LF header injection', '/%0D%0ASet-Cookie:x=1'],
    ['vertical tab', '/%0B'],
    ['form feed', '/%0C'],
    ['NUL', '/%00'],
    ['C1 NEL', '/%C2%85'],
    ['line separator', '/\u2028'],
    ['protocol-relative', '//evil.example'],
    ['backslash host', '/\\evil.example'],
    ['encoded backslash host', '/%5Cevil.example'],
    ['encoded slash host', '/%2Fevil.example'],
    ['dot segments to //', '/.//evil.example'],
    ['parent segments to //', '/a/../..//evil.example'],
    ['absolute URL', 'https://evil.example/'],
    ['scheme-relative', 'https:evil.example'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,x'],
    ['relative', 'evil.example'],
    ['leading space', ' /x'],
    ['invalid percent-encoding', '/%E0%A4%A'],
    ['very long', `/${'a'.repeat(3000)}`],
    ['empty', ''],
  ])('refuses %s', (_, value) => {
    expect(safeReturnTo(value, ORIGIN)).toBeUndefined();
  });
});
