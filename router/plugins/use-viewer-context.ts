import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ANONYMOUS, VIEWER_BINDING_HEADER, VIEWER_HEADER, viewerContextBinding, viewerContextToken, type Viewer } from '../../lib/viewer-context.ts';
import { requestIdOf } from '../request-id.ts';

/** Where the authentication plugin leaves the viewer on the request context. */
export interface ViewerOnContext {
  viewer?: Viewer;
}

/**
 * Signs who is asking into every subgraph fetch (`x-hub-viewer`), once per request, and binds it to
 * each fetch's subgraph and body (`x-hub-viewer-binding`, see lib/viewer-context.ts). Requests the
 * authentication plugin did not attach a viewer to travel as anonymous: subgraphs then serve only
 * what is public, and always know that the router, not a stranger, is asking.
 */
export function useViewerContext(key: Uint8Array, subgraphOf: (url: string) => string | undefined): GatewayPlugin<ViewerOnContext> {
  // One signed context per request (a fresh `jti` each: see viewerContextToken), shared by its fetches.
  const signed = new WeakMap<object, string>();
  return {
    onFetch(payload) {
      const { url, context, options } = payload;
      // Fetches without a request context are the runtime's own (e.g. loading a supergraph by URL).
      if (!('request' in context)) return;
      const headers = options.headers ?? {};
      let token = signed.get(context);
      if (token === undefined) {
        const viewer = (context as ViewerOnContext).viewer ?? ANONYMOUS;
        token = viewerContextToken(viewer, key, headers['x-request-id'] ?? requestIdOf((context as { request?: Request }).request));
        signed.set(context, token);
      }
      const body = typeof options.body === 'string' ? options.body : '';
      // A URL that names no subgraph of the supergraph gets a binding no subgraph accepts.
      const subgraph = subgraphOf(url) ?? '';
      payload.setOptions({
        ...options,
        headers: { ...headers, [VIEWER_HEADER]: token, [VIEWER_BINDING_HEADER]: viewerContextBinding(key, token, subgraph, body) },
      });
    },
  };
}
