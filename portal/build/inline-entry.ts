import { posix } from 'node:path';
import type { Plugin, Rollup } from 'vite';

type OutputAsset = Rollup.OutputAsset;
type OutputChunk = Rollup.OutputChunk;

/** Where the inlined entry publishes what the lazy pages import from it (read by the entry's URL's stand-in module). */
export const ENTRY_GLOBAL = '__portalEntry';

/** An ESTree node as Rollup's parser gives it: its kind and where it is in the code. */
interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';

/** Every node under `root`, depth first. */
function* nodesOf(root: Node): Generator<Node> {
  yield root;
  for (const value of Object.values(root)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) yield* nodesOf(item);
    } else if (isNode(value)) yield* nodesOf(value);
  }
}

const FUNCTION_NODES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Whether the module awaits at its top level (outside every function): `for await` included. */
function awaitsAtTopLevel(node: Node): boolean {
  if (node.type === 'AwaitExpression' || (node.type === 'ForOfStatement' && node.await === true)) return true;
  if (FUNCTION_NODES.has(node.type)) return false;
  return Object.values(node).some((value) =>
    Array.isArray(value) ? value.some((item) => isNode(item) && awaitsAtTopLevel(item)) : isNode(value) && awaitsAtTopLevel(value),
  );
}

/** `code` with the given ranges replaced (ranges do not overlap). */
function spliced(code: string, edits: { start: number; end: number; text: string }[]): string {
  let out = '';
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    out += code.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + code.slice(at);
}

/**
 * Puts the entry's JavaScript and CSS into the page itself: on a slow network each request costs
 * its own latency (2 s under « Slow 3G »), and the page, its script and its style were three
 * requests, the second waiting for the first. The router's Content-Security-Policy allows these
 * inline elements by their hashes, computed from the built page (router/plugins/use-static-site.ts),
 * never with 'unsafe-inline'.
 *
 * The lazy pages' chunks import what they share with the entry from the entry's URL. Loading the
 * entry again from there would run a second copy (a second Preact, a second GraphQL client), so the
 * inlined entry publishes its exports on `globalThis.__portalEntry` at its end, and the file at the
 * entry's URL becomes a module re-exporting them. Lazy pages only load once the entry has run (they
 * are imported by it), and the values exported for them are functions, components and constants
 * (a binding reassigned later would be read as it was when the page's chunk loaded).
 */
export function inlineEntry(): Plugin {
  return {
    name: 'portal:inline-entry',
    apply: 'build',
    enforce: 'post',
    // After Vite's own steps on the bundle (its preload helper's placeholders are filled in then).
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const entry = Object.values(bundle).find((file): file is OutputChunk => file.type === 'chunk' && file.isEntry);
        const html = bundle['index.html'];
        if (!entry || html?.type !== 'asset' || typeof html.source !== 'string')
          return this.error('inline-entry: no entry chunk or no index.html in the bundle');
        if (entry.imports.length) this.error(`inline-entry: the entry imports other chunks statically (${entry.imports.join(', ')}): not supported`);
        const dir = posix.dirname(entry.fileName);
        const edits: { start: number; end: number; text: string }[] = [];
        const exported: string[] = [];
        const program = this.parse(entry.code) as unknown as Node;
        // The exports are published at the entry's end: a top-level await before it would let a lazy
        // page (or an element of the page named like the global) be read before they are there.
        if (awaitsAtTopLevel(program)) this.error('inline-entry: the entry awaits at its top level: its exports would be published late');
        for (const node of nodesOf(program)) {
          if (node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration' || node.type === 'ExportDefaultDeclaration') {
            this.error(`inline-entry: a ${node.type} in the entry: not supported`);
          }
          if (node.type === 'ExportNamedDeclaration') {
            if (node.source || node.declaration) this.error('inline-entry: only `export { local as name }` is supported in the entry');
            const pairs = (node.specifiers as { local: { name: string }; exported: { name: string } }[]).map((s) => {
              exported.push(s.exported.name);
              return `${JSON.stringify(s.exported.name)}:${s.local.name}`;
            });
            edits.push({ start: node.start, end: node.end, text: `globalThis.${ENTRY_GLOBAL}=Object.freeze({${pairs.join(',')}});` });
          }
          // A lazy chunk's relative URL would resolve against the page's URL (/messages/…), not the entry's.
          const source = node.type === 'ImportExpression' && isNode(node.source) ? node.source : undefined;
          if (source?.type === 'Literal' && typeof source.value === 'string' && source.value.startsWith('./')) {
            edits.push({ start: source.start, end: source.end, text: JSON.stringify(`/${posix.join(dir, source.value)}`) });
          }
        }
        const inlined = spliced(entry.code, edits);
        // Data for the HTML parser until `</script>`: nothing in the code may look like an end of the element.
        if (/<\/script|<!--|<script/i.test(inlined)) this.error('inline-entry: the entry holds « </script », « <script » or « <!-- »: it cannot be inlined');
        let page = html.source;
        const scriptTag = new RegExp(`<script type="module" crossorigin src="/${entry.fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"></script>`);
        if (!scriptTag.test(page)) this.error(`inline-entry: index.html does not load /${entry.fileName} as expected`);
        page = page.replace(scriptTag, () => `<script type="module">${inlined}</script>`);
        for (const cssFile of entry.viteMetadata?.importedCss ?? []) {
          const css = bundle[cssFile] as OutputAsset | undefined;
          const source = typeof css?.source === 'string' ? css.source : undefined;
          const linkTag = `<link rel="stylesheet" crossorigin href="/${cssFile}">`;
          if (source === undefined || !page.includes(linkTag)) this.error(`inline-entry: cannot inline the style ${cssFile}`);
          if (/<\/style/i.test(source)) this.error(`inline-entry: ${cssFile} holds « </style »: it cannot be inlined`);
          // The file stays: a lazy page's loader asks for it again (once, from the cache of an immutable file afterwards).
          page = page.replace(linkTag, () => `<style>${source}</style>`);
        }
        html.source = page;
        // What lazy chunks import from the entry's URL: the running entry's exports, not a second copy.
        entry.code = `export const{${exported.join(',')}}=globalThis.${ENTRY_GLOBAL};\n`;
      },
    },
  };
}
