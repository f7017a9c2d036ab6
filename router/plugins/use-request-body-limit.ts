import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';

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
        const text = await readLimited(req, maxBytes, tooLarge);
        try {
          return JSON.parse(text);
        } catch {
          throw createGraphQLError('Request body is not valid JSON.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
  };
}

async function readLimited(request: Request, maxBytes: number, tooLarge: () => Error): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
