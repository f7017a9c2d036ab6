import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../lib/logger.ts';
import type { DataExportStore } from '../../store/privacy/data-exports.ts';
import type { AuditStore } from '../../store/journal/event.ts';

/**
 * Where a ready export is downloaded: `GET /privacy/exports/{token}`. The router passes this prefix
 * through to the identity subgraph (`ROUTER_PASS_THROUGH_ROUTES`), so the link is on the hub's origin.
 */
export const DATA_EXPORT_ROUTE_PREFIX = '/privacy/exports/';

/** The same answer for a forged, expired, already used or malformed token: nothing tells them apart. */
const notFound = (res: ServerResponse) => {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end('Not Found\n');
};

/**
 * Serves an export once: the token's document is read and deleted in one statement, the download
 * journaled (who downloaded whose data). The token is never logged (it is the path).
 */
export function dataExportRoute(options: { exports: DataExportStore; journal: Pick<AuditStore, 'append'>; log: Logger }) {
  return {
    prefix: DATA_EXPORT_ROUTE_PREFIX,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const path = new URL(req.url ?? '/', 'http://subgraph').pathname;
      if (req.method !== 'GET') return notFound(res);
      const taken = await options.exports.take(path.slice(DATA_EXPORT_ROUTE_PREFIX.length));
      if (!taken) return notFound(res);
      // The router's id of the download (it checked it), else the request's that asked for the export.
      const sent = req.headers['x-request-id'];
      const requestId = typeof sent === 'string' && sent ? sent.slice(0, 128) : taken.requestId;
      try {
        await options.journal.append([
          {
            at: new Date().toISOString(),
            requestId,
            viewer: { kind: 'person', personId: taken.requestedBy },
            operationName: 'dataExportDownload',
            targets: [taken.personId],
            fields: ['DataExport.download'],
            outcome: 'allowed',
          },
        ]);
      } catch (error) {
        // The document is already gone from the store: serving it beats losing it; the failure is logged.
        options.log.error({ err: error, export: taken.id }, 'data export download not journaled');
      }
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="donnees-personnelles-${new Date().toISOString().slice(0, 10)}.json"`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      });
      res.end(taken.document);
    },
  };
}
