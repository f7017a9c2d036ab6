import { signViewerContext, viewerContextBinding, viewerContextKey, type Viewer } from '../../lib/viewer-context.ts';

/** The secret tests share between the routers and subgraphs they start (test-only, never deployed). */
export const TEST_VIEWER_SECRET = 'test-only-viewer-context-secret-0123456789';
export const TEST_VIEWER_KEY = viewerContextKey(TEST_VIEWER_SECRET);

/** Headers a router would send to `subgraph` for `viewer` with this exact body: for tests that call a subgraph as the router does. */
export async function routerHeaders(
  subgraph: string,
  viewer: Viewer,
  body: string,
  { requestId = crypto.randomUUID(), key = TEST_VIEWER_KEY }: { requestId?: string; key?: Uint8Array } = {},
): Promise<Record<string, string>> {
  const token = await signViewerContext(viewer, key, requestId);
  return { 'x-hub-viewer': token, 'x-hub-viewer-binding': viewerContextBinding(key, token, subgraph, body), 'x-request-id': requestId };
}
