/**
 * Where a login may send the person back to: only a path of the hub itself. The value comes from a
 * link anyone can craft (`/auth/login?return_to=…`), and ends up in a `Location` header, so every
 * trick browsers and parsers know is an open redirect or a broken response here: a tab or newline
 * (the URL parser drops them, `/\t/evil.example` becomes `//evil.example`), a backslash (read as a
 * slash), `//host`, dot segments collapsing to `//host`, schemes (`javascript:`, `data:`), control
 * characters (a 500 or a hang when the header is written), and the same percent-encoded.
 */
const MAX_LENGTH = 2048;
/** C0, DEL, C1, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** How many layers of percent-encoding are looked through (`%2509` is a tab after two decodings). */
const DECODE_LAYERS = 3;

const looksLikeAnotherHost = (path: string) => path.startsWith('//') || path.startsWith('/\\');

/**
 * The path to go back to, as the WHATWG URL parser serializes it against the hub's origin (so the
 * browser gets exactly what was checked), or undefined: then the caller goes to `/`.
 */
export function safeReturnTo(value: string | null | undefined, origin: string): string | undefined {
  if (!value || value.length > MAX_LENGTH) return undefined;
  if (!value.startsWith('/') || looksLikeAnotherHost(value) || CONTROL.test(value)) return undefined;
  let layer = value;
  for (let i = 0; i < DECODE_LAYERS; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(layer);
    } catch {
      return undefined; // not valid percent-encoding: nothing a real page links to
    }
    // Decoded forms too, in case something downstream decodes the path and redirects again.
    if (CONTROL.test(decoded) || looksLikeAnotherHost(decoded)) return undefined;
    if (decoded === layer) break;
    layer = decoded;
  }
  let url: URL;
  try {
    url = new URL(value, `${origin}/`);
  } catch {
    return undefined;
  }
  if (url.origin !== origin) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can collapse to `//host` (`/.//evil.example`): as a relative Location, another host.
  if (looksLikeAnotherHost(path) || path.length > MAX_LENGTH || CONTROL.test(path)) return undefined;
  return path;
}
