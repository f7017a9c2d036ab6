import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { parse, type DocumentNode } from 'graphql';
import { createHandler as createSseHandler, type Handler as SseHandler } from 'graphql-sse';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { listen, type RunningServer } from '../../lib/http-server.ts';
import type { Logger } from '../../lib/logger.ts';
import { boundedCache } from '../../lib/bounded-cache.ts';
import {
  isBoundToBody,
  VIEWER_BINDING_HEADER,
  VIEWER_CONTEXT_CLOCK_SKEW_SECONDS,
  VIEWER_CONTEXT_TTL_SECONDS,
  VIEWER_HEADER,
  ViewerContextError,
  verifyViewerContext,
  type Viewer,
} from '../../lib/viewer-context.ts';
import { BodyTooLargeError, readBody } from '../../lib/read-body.ts';
import { buildSubgraphSchema, type SubgraphResolvers } from './federation-schema.ts';
import { AnswerFreshness, answerFreshnessPlugin, carryingFreshness } from './answer-freshness.ts';
import { trace } from '@opentelemetry/api';
import { continueTrace, REQUEST_ID_ATTRIBUTE, SUBGRAPH_ATTRIBUTE } from '../../lib/tracing.ts';

export interface SubgraphRequestInfo {
  readonly requestId: string;
  /** Who is asking, as the router signed it. */
  readonly viewer: Viewer;
  /** What the request reads from caches, for how long its answer may be reused (answer-freshness.ts). */
  readonly freshness: AnswerFreshness;
}

export interface SubgraphDefinition<TContext extends BaseContext> {
  /** The name under which the subgraph is composed into the supergraph. */
  name: string;
  /** The subgraph SDL (Federation v2 with `@link`), usually `loadTypeDefs(<folder>/schema.graphql)`. */
  typeDefs: DocumentNode;
  /** Typed per subgraph by the codegen output (`generated/resolvers-types.ts`), entities' `__resolveReference` included. */
  resolvers: SubgraphResolvers<TContext>;
  /** Builds the per-request context (DataLoaders live here, so batching stays within one request). */
  context(request: SubgraphRequestInfo): TContext | Promise<TContext>;
  log: Logger;
  /**
   * False: every answer says `no-store`, whatever the schema's hints, because the data it is read
   * from changes without the router hearing of it (subgraphs/kit/answer-freshness.ts). True when unsaid.
   */
  reusableAnswers?: boolean;
  /** Largest accepted request body. Router-to-subgraph bodies are small; `_entities` batches are the biggest. */
  bodyLimitBytes?: number;
  /**
   * Key of the router's signed viewer context. Every GraphQL request must carry a valid one, or it
   * gets 401 before any resolver runs: nothing reaches a subgraph except through the router.
   */
  viewerContextKey: Uint8Array;
  /**
   * Paths served without the viewer context, each checking its own credential (a calendar feed's
   * secret token, say). Everything else goes through the router.
   */
  publicRoutes?: { prefix: string; handle(req: IncomingMessage, res: ServerResponse): Promise<void> }[];
  /**
   * A subscription's stream ends after this long whatever happens (the router ends its own sooner,
   * with the session or its lifetime): a stream the router lost track of cannot last for ever.
   */
  maxStreamMs?: number;
}

/** Longer than the router's default stream lifetime (60 minutes), which ends streams first. */
export const DEFAULT_MAX_STREAM_MS = 65 * 60_000;

export interface StartedSubgraph extends RunningServer {
  readonly graphqlUrl: string;
}

/** What every subgraph's start function takes besides its own dependencies. */
export interface SubgraphServerOptions {
  /** Key of the router's signed viewer context (`HUB_VIEWER_CONTEXT_SECRET`). */
  viewerContextKey: Uint8Array;
  log: Logger;
  /** 0 for an ephemeral port (tests). */
  port: number;
  host?: string;
  /** Production error hygiene; unsaid, what `NODE_ENV` says. */
  production?: boolean;
}

export function loadTypeDefs(schemaPath: string) {
  return parse(readFileSync(schemaPath, 'utf8'));
}

/**
 * Starts a federation subgraph on its own port: `POST /graphql`, `GET /health`.
 * The HTTP layer is ours (not Apollo's standalone server) so that the body limit, the request id
 * and, later, the router's signed viewer context are checked before any GraphQL work happens.
 */
export async function startSubgraph<TContext extends BaseContext>(
  definition: SubgraphDefinition<TContext>,
  options: { port: number; host?: string; production?: boolean },
): Promise<StartedSubgraph> {
  const { log } = definition;
  // Unsaid means what the process is: a subgraph started without the flag in production stays quiet.
  const production = options.production ?? process.env.NODE_ENV === 'production';
  const schema = buildSubgraphSchema(definition.typeDefs, definition.resolvers);
  const apollo = new ApolloServer<TContext>({
    schema,
    // The router, not the subgraph, is the public face: no landing page, and stack traces stay in logs.
    // No inline trace (ftv1) either: Apollo adds per-field timings to any response whose request asks
    // for them, and nothing of ours reads them (the router would only have to strip them).
    // Apollo's cache-control plugin is on by default: the schema's @cacheControl hints, restricted by
    // what each request read from caches (answer-freshness.ts), make the `cache-control` header.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), answerFreshnessPlugin<TContext>()],
    includeStacktraceInErrorResponses: !production,
    // No "Did you mean …?" in production: with introspection off, suggestions would map the schema.
    hideSchemaDetailsFromClientErrors: production,
    logger: {
      debug: (m) => log.debug(m),
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    },
  });
  await apollo.start();
  // Subscriptions: the router asks with `Accept: text/event-stream` and gets the GraphQL over SSE
  // "distinct connections" stream (graphql-sse); each open stream ends when the server closes.
  const streams = createSseHandler<IncomingMessage, SseRequestContext<TContext>, ResolverContext>({
    schema,
    // The subgraph's own context object, the same one Apollo gets.
    context: async (req) => await req.context.context,
  });
  const openStreams = new Set<AsyncIterator<unknown>>();
  const bodyLimit = definition.bodyLimitBytes ?? 2 * 1024 * 1024;
  // Bindings of the mutations seen while their context can still verify (plus clock skew); bounded.
  const replayGuard = boundedCache<string, true>({ maxEntries: 100_000, ttl: (VIEWER_CONTEXT_TTL_SECONDS + VIEWER_CONTEXT_CLOCK_SKEW_SECONDS) * 1000 });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://subgraph');
    if (url.pathname === '/health') {
      sendJson(res, 200, { status: 'ok', subgraph: definition.name });
      return;
    }
    const route = definition.publicRoutes?.find((r) => url.pathname.startsWith(r.prefix));
    if (route) {
      await route.handle(req, res);
      return;
    }
    if (url.pathname !== '/graphql') {
      sendJson(res, 404, { errors: [{ message: 'not found' }] });
      return;
    }
    // The router always POSTs: a GET would carry its operation in the URL, outside the body binding.
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendJson(res, 405, { errors: [{ message: 'GraphQL requests to a subgraph are POSTs from the router' }] });
      return;
    }
    const refuse = (error: ViewerContextError) => {
      // The readiness probe only asks whether we answer: a 401 says we do.
      log.warn({ reason: error.reason, requestId: headerValue(req.headers['x-request-id'])?.slice(0, 128) }, 'request refused: viewer context');
      sendJson(res, 401, { errors: [{ message: `Unauthorized: ${error.message}`, extensions: { code: 'UNAUTHENTICATED' } }] });
    };
    const token = headerValue(req.headers[VIEWER_HEADER]);
    let verified: Awaited<ReturnType<typeof verifyViewerContext>>;
    try {
      verified = await verifyViewerContext(token, definition.viewerContextKey);
    } catch (error) {
      if (!(error instanceof ViewerContextError)) throw error;
      refuse(error);
      return;
    }
    const { viewer, requestId } = verified;
    const requestLog = log.child({ requestId });
    trace.getActiveSpan()?.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
    let body: string;
    try {
      body = await readBody(req, bodyLimit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { errors: [{ message: error.message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
        return;
      }
      throw error;
    }
    const binding = headerValue(req.headers[VIEWER_BINDING_HEADER]);
    if (!isBoundToBody(definition.viewerContextKey, token!, definition.name, body, binding)) {
      refuse(new ViewerContextError('unbound'));
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let parsedBody: unknown;
    try {
      parsedBody = body ? JSON.parse(body) : undefined;
    } catch {
      sendJson(res, 400, { errors: [{ message: 'request body is not valid JSON' }] });
      return;
    }
    // A captured request replayed as is: harmless for a read (the same answer the wire already
    // showed), not for a write, nor for a subscription (it would show what happens next, for as long
    // as it stays open). Those are accepted once per signed context and body.
    const operation = operationKindOf(parsedBody);
    if (operation !== 'query') {
      if (replayGuard.has(binding!)) {
        refuse(new ViewerContextError('replayed'));
        return;
      }
      replayGuard.set(binding!, true);
    }
    if (operation === 'subscription') {
      await serveStream(streams, openStreams, {
        req,
        res,
        body: parsedBody,
        context: definition.context({ requestId, viewer, freshness: new AnswerFreshness() }),
        maxMs: definition.maxStreamMs ?? DEFAULT_MAX_STREAM_MS,
      });
      requestLog.debug({ status: res.statusCode }, 'subgraph stream ended');
      return;
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsedBody },
      context: async () => {
        const freshness = new AnswerFreshness();
        if (definition.reusableAnswers === false) freshness.notReusable();
        return carryingFreshness(await definition.context({ requestId, viewer, freshness }), freshness);
      },
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
    requestLog.debug({ status: res.statusCode }, 'subgraph request');
  };

  // A GraphQL request continues the router's trace (its `traceparent`): the resolvers' calls to
  // the store and to upstream systems are spans under it. Health probes are not traced.
  const traced = (req: IncomingMessage, res: ServerResponse) =>
    req.url === '/graphql'
      ? continueTrace(req.headers, `subgraph ${definition.name}`, { [SUBGRAPH_ATTRIBUTE]: definition.name }, async (span) => {
          await handle(req, res);
          span.setAttribute('http.response.status_code', res.statusCode);
        })
      : handle(req, res);
  const server = await listen(
    (req, res) => {
      traced(req, res).catch((error: unknown) => {
        log.error({ err: error }, 'subgraph request failed');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'internal error' }] });
        else res.destroy();
      });
    },
    { port: options.port, host: options.host },
  );
  return {
    ...server,
    graphqlUrl: `${server.url}/graphql`,
    async close(graceMs?: number) {
      // A stream never ends by itself: end them, so that closing does not wait for the grace period.
      for (const stream of openStreams) void stream.return?.();
      await server.close(graceMs);
      await apollo.stop();
    },
  };
}

type ResolverContext = Record<PropertyKey, unknown>;

/** What the SSE handler is given with each request: the subgraph's context for the viewer. */
interface SseRequestContext<TContext> {
  context: TContext | Promise<TContext>;
}

/**
 * Answers a subscription over SSE. The request was authenticated and its body read and bound above;
 * graphql-sse validates and executes it and writes the events; a closed connection (the router or
 * the browser gone) ends the stream and with it the resolver's subscription.
 */
async function serveStream<TContext>(
  handler: SseHandler<IncomingMessage, SseRequestContext<TContext>>,
  open: Set<AsyncIterator<unknown>>,
  request: { req: IncomingMessage; res: ServerResponse; body: unknown; context: TContext | Promise<TContext>; maxMs: number },
): Promise<void> {
  const { req, res } = request;
  const [body, init] = await handler({
    method: 'POST',
    url: req.url ?? '/graphql',
    headers: { get: (key) => headerValue(req.headers[key]) ?? null },
    body: request.body as Record<string, unknown>,
    raw: req,
    context: { context: request.context },
  });
  res.writeHead(init.status, init.statusText, init.headers);
  if (!body || typeof body === 'string') {
    res.end(body);
    return;
  }
  open.add(body);
  const stop = () => void body.return?.();
  res.once('close', stop);
  const lifetime = setTimeout(stop, request.maxMs);
  lifetime.unref();
  try {
    for await (const chunk of body) {
      if (!res.writable) break;
      await new Promise<void>((resolve, reject) => res.write(chunk, (error) => (error ? reject(error) : resolve())));
    }
  } finally {
    clearTimeout(lifetime);
    open.delete(body);
    res.off('close', stop);
    res.end();
  }
}

/** The kind of a subgraph request's operation, from the keyword the router's planner writes first (none: a query). */
function operationKindOf(body: unknown): 'query' | 'mutation' | 'subscription' {
  const query = (body as { query?: unknown } | undefined)?.query;
  const keyword = typeof query === 'string' ? /^\s*(mutation|subscription)\b/.exec(query)?.[1] : undefined;
  return keyword === 'mutation' || keyword === 'subscription' ? keyword : 'query';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(payload));
}
