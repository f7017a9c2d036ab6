import { signViewerContext, viewerContextKey, type Viewer } from '../../lib/viewer-context.ts';

/** The secret tests share between the routers and subgraphs they start (test-only, never deployed). */
export const TEST_VIEWER_SECRET = 'test-only-viewer-context-secret-0123456789';
export const TEST_VIEWER_KEY = viewerContextKey(TEST_VIEWER_SECRET);

/** Headers a router would send for `viewer`: for tests that call a subgraph as the router does. */
export async function routerHeaders(viewer: Viewer, requestId = crypto.randomUUID()): Promise<Record<string, string>> {
  return { 'x-hub-viewer': await signViewerContext(viewer, TEST_VIEWER_KEY, requestId), 'x-request-id': requestId };
}
