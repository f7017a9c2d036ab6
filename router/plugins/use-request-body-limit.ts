import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import { BodyTooLargeError, readRequestBody } from '../../lib/read-body.ts';

// The parameters a request parser hands on (graphql-yoga's GraphQLParams, which the runtime does not
// export), named from the hook's own type.
type RequestParser = Parameters<Parameters<NonNullable<GatewayPlugin['onRequestParse']>>[0]['setRequestParser']>[0];
type RequestParams = Exclude<Awaited<ReturnType<RequestParser>>, Response>;

/**
 * Refuses request bodies over `maxBytes` with HTTP 413 and a GraphQL error, without ever buffering
 * more than the limit: a declared Content-Length is checked up front, and a chunked body is counted
 * while it is read.
 */
export function useRequestBodyLimit(maxBytes: number): GatewayPlugin {
  const tooLarge = () =>
    createGraphQLError(`Request body exceeds the limit of ${maxBytes} bytes.`, {
      extensions: { code: 'PAYLOAD_TOO_LARGE', http: { status: 413 } },
    });
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method !== 'POST') return;
      const declared = Number(request.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
      const contentType = request.headers.get('content-type') ?? '';
      if (!contentType.includes('json')) return;
      setRequestParser(async (req) => {
        const text = await readRequestBody(req, maxBytes).catch((error: unknown) => {
          throw error instanceof BodyTooLargeError ? tooLarge() : error;
        });
        try {
          // Unchecked, as from yoga's own JSON parser: yoga checks the parameters' shape next.
          return JSON.parse(text) as RequestParams;
        } catch {
          throw createGraphQLError('Request body is not valid JSON.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
  };
}
