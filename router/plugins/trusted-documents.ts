import { readFileSync } from 'node:fs';

/**
 * Loads trusted-documents manifests: the operations production frontends registered at build time.
 * Two common shapes are accepted: Apollo's persisted query manifest
 * (`{"format":"apollo-persisted-query-manifest","operations":[{"id","body"}]}`) and a flat
 * `{"<hash>": "<document>"}` map (GraphQL Codegen's client preset, Relay).
 */
export function loadTrustedDocuments(paths: readonly string[]): Map<string, string> {
  const documents = new Map<string, string>();
  for (const path of paths) {
    for (const [id, body] of loadManifest(path)) {
      const known = documents.get(id);
      // Two frontends may register the same operation; one id for two documents is a broken manifest.
      if (known !== undefined && known !== body) throw new Error(`trusted documents manifest ${path}: id ${id} names another document in an earlier manifest`);
      documents.set(id, body);
    }
  }
  return documents;
}

function loadManifest(path: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read trusted documents manifest ${path}: ${(error as Error).message}`, { cause: error });
  }
  const documents = new Map<string, string>();
  if (isRecord(parsed) && parsed.format === 'apollo-persisted-query-manifest' && Array.isArray(parsed.operations)) {
    for (const operation of parsed.operations) {
      if (isRecord(operation) && typeof operation.id === 'string' && typeof operation.body === 'string') {
        documents.set(operation.id, operation.body);
      }
    }
  } else if (isRecord(parsed)) {
    for (const [id, body] of Object.entries(parsed)) if (typeof body === 'string') documents.set(id, body);
  }
  if (documents.size === 0) throw new Error(`trusted documents manifest ${path} holds no operation`);
  return documents;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
