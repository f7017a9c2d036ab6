/**
 * What a module refers to, read with TypeScript's own parser (never with regular expressions, which
 * comments and strings fool): the modules it imports, and the files it reads relative to itself with
 * `new URL('./file', import.meta.url)`. Used by the build (scripts/build.ts) and by the checks that
 * every imported package is declared (scripts/declared-imports.test.ts). Works on .ts and emitted .js.
 */
import ts from 'typescript';

export interface ModuleReference {
  specifier: string;
  /** `import type …` / `export type … from`: erased from the emitted JavaScript. */
  typeOnly: boolean;
  line: number;
}

export interface RelativeUrl {
  /** The literal path, or undefined when the first argument is computed (a build cannot tell what it reads). */
  path: string | undefined;
  line: number;
}

function parse(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
}

const lineOf = (source: ts.SourceFile, node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

const literalText = (node: ts.Node | undefined): string | undefined =>
  node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;

/** Static imports and re-exports, dynamic `import('…')` and `require('…')` with a literal specifier. */
export function moduleReferences(fileName: string, text: string): ModuleReference[] {
  const source = parse(fileName, text);
  const found: ModuleReference[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      const specifier = literalText(node.moduleSpecifier);
      // Under verbatimModuleSyntax only `import type` is erased: `import { type A } from 'x'` still loads 'x'.
      const typeOnly = ts.isImportDeclaration(node) ? Boolean(node.importClause?.isTypeOnly) : node.isTypeOnly;
      if (specifier !== undefined) found.push({ specifier, typeOnly, line: lineOf(source, node) });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const specifier = literalText(node.moduleReference.expression);
      if (specifier !== undefined) found.push({ specifier, typeOnly: node.isTypeOnly, line: lineOf(source, node) });
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const specifier = literalText(node.arguments[0]);
      if ((isImport || isRequire) && specifier !== undefined) found.push({ specifier, typeOnly: false, line: lineOf(source, node) });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      // `import('x').T` in a type position: a type-only reference.
      const specifier = literalText(node.argument.literal);
      if (specifier !== undefined) found.push({ specifier, typeOnly: true, line: lineOf(source, node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const isImportMetaUrl = (node: ts.Node | undefined) =>
  node !== undefined &&
  ts.isPropertyAccessExpression(node) &&
  node.name.text === 'url' &&
  ts.isMetaProperty(node.expression) &&
  node.expression.keywordToken === ts.SyntaxKind.ImportKeyword;

/** Every `new URL(path, import.meta.url)`: a file the module reads relative to where it lies. */
export function relativeUrls(fileName: string, text: string): RelativeUrl[] {
  const source = parse(fileName, text);
  const found: RelativeUrl[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL' && isImportMetaUrl(node.arguments?.[1])) {
      found.push({ path: literalText(node.arguments![0]), line: lineOf(source, node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`); undefined for relative paths, URLs and `node:` built-ins. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || /^[a-z]+:/i.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
