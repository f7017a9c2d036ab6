import { createRequest, type SSRData } from '@urql/core';
import type { DocumentNode } from 'graphql';
import { hashOf } from './persisted.ts';

/**
 * The id of the element where the router puts the page's first GraphQL answers (router/plugins/
 * static-site-preload.ts); the build's preload manifest names it (vite.config.ts).
 */
export const PRELOAD_ELEMENT_ID = 'portal-preload';

/** One answer as the router embeds it: the request (document id and variables) and its GraphQL result. */
interface Preloaded {
  documentId: string;
  variables: Record<string, unknown>;
  data: Record<string, unknown>;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

const isPreloaded = (value: unknown): value is Preloaded =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Preloaded).documentId === 'string' &&
  typeof (value as Preloaded).variables === 'object' &&
  typeof (value as Preloaded).data === 'object' &&
  (value as Preloaded).data !== null;

/**
 * The answers the router embedded in this page, for the client's `ssrExchange`: each keyed as the
 * client's own request for the same document and variables, so the page's first query is answered
 * without a round trip (a request with other variables, say after midnight, goes to the network as
 * usual). Read once: the element is removed.
 */
export function readPreloaded(documents: readonly DocumentNode[]): SSRData {
  const element = document.getElementById(PRELOAD_ELEMENT_ID);
  if (!element) return {};
  element.remove();
  let entries: unknown;
  try {
    entries = JSON.parse(element.textContent ?? '');
  } catch {
    return {};
  }
  const state: SSRData = {};
  for (const entry of Array.isArray(entries) ? entries : []) {
    if (!isPreloaded(entry)) continue;
    const query = documents.find((d) => hashOf(d) === entry.documentId);
    if (!query) continue;
    state[createRequest(query, entry.variables).key] = {
      data: JSON.stringify(entry.data),
      error: entry.errors ? { graphQLErrors: entry.errors } : undefined,
      hasNext: false,
    };
  }
  return state;
}
