import { randomUUID } from 'node:crypto';

const generated = new WeakMap<Request, string>();

/** The id the runtime's request-id plugin uses: the client's `x-request-id`, or one we generate. */
export function generateRequestId({ request }: { request: Request }): string {
  const id = randomUUID();
  generated.set(request, id);
  return id;
}

export function requestIdOf(request: Request | undefined): string {
  if (!request) return '';
  return request.headers.get('x-request-id') ?? generated.get(request) ?? '';
}
