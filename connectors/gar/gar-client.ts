import type { LRUCache } from 'lru-cache';
import { boundedCache } from '../../lib/bounded-cache.ts';
import { Agent, fetch } from 'undici';
import { HubErrorWithReason } from '../../lib/errors.ts';

/** One resource of a person's GAR catalogue, as the hub uses it. */
export interface GarResource {
  id: string;
  typeId?: string;
  name: string;
  publisherId?: string;
  publisherName?: string;
  thumbnailUrl?: string;
  accessUrl: string;
  presentationType?: { code: string; name: string };
  documentTypes: GarLabel[];
  levels: GarLabel[];
  domains: GarLabel[];
  pedagogicalTypes: GarLabel[];
  technicalDistributor?: string;
  technicalValidator?: string;
  description?: string;
}

export interface GarLabel {
  name: string;
  uri?: string;
}

/** A school's subscription (abonnement) to a resource. */
export interface GarSubscription {
  id: string;
  resourceId: string;
  uai: string;
  validFrom: string;
  validTo: string;
  /** ETABL (the whole school) or INDIV (named people). */
  assignmentType: string;
  /** Licence counts per public (ELEVE, ENSEIGNANT, DOCUMENTALISTE, AUTRE PERSONNEL); null is ILLIMITE. */
  licences: { audience: string; count: number | null }[];
}

export type GarFailure = 'unavailable' | 'timeout' | 'refused' | 'bad-response';

/** A GAR call that failed; `code` and `message` are the GAR's own when it said why (its Erreur object). */
export class GarError extends HubErrorWithReason<GarFailure> {
  static override readonly code = 'ERR_GAR';
  constructor(
    reason: GarFailure,
    message: string,
    readonly detail: { status?: number; code?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(reason, message, options);
  }
}

export interface GarClientOptions {
  /** e.g. https://ressources.gar.education.fr */
  baseUrl: string;
  idEnt: string;
  /** The ENT's client certificate and key (PEM) for mutual TLS. */
  certPem: string;
  keyPem: string;
  /** The GAR's CA (PEM), pinned: no other CA is trusted for these calls. */
  caPem: string;
  timeoutMs?: number;
  /** How long a person's catalogue is reused (per school). */
  cacheTtlMs?: number;
  cacheMax?: number;
}

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const labels = (v: unknown): GarLabel[] =>
  list(v).flatMap((item) => {
    if (typeof item === 'string') return [{ name: item }];
    const name = str((item as Json)?.nom);
    return name ? [{ name, uri: str((item as Json).uri) }] : [];
  });

/** The GAR's `listeRessources.ressource[]`, checked field by field: a lying upstream gets no free pass. */
export function parseResources(body: unknown): GarResource[] {
  const root = (body as Json)?.listeRessources as Json | undefined;
  if (!root || typeof root !== 'object') throw new GarError('bad-response', 'GAR response without listeRessources');
  return list(root.ressource).flatMap((raw) => {
    const r = raw as Json;
    const id = str(r.idRessource);
    const name = str(r.nomRessource);
    const accessUrl = str(r.urlAccesRessource);
    if (!id || !name || !accessUrl || !/^https:\/\//.test(accessUrl)) return [];
    const presentation = r.typePresentation as Json | undefined;
    return [
      {
        id,
        typeId: str(r.idType),
        name,
        publisherId: str(r.idEditeur),
        publisherName: str(r.nomEditeur),
        thumbnailUrl: str(r.urlVignette),
        accessUrl,
        presentationType: str(presentation?.code) ? { code: str(presentation!.code)!, name: str(presentation!.nom) ?? str(presentation!.code)! } : undefined,
        documentTypes: labels(r.typologieDocument),
        levels: labels(r.niveauEducatif),
        domains: labels(r.domaineEnseignement),
        pedagogicalTypes: labels(r.typePedagogique),
        technicalDistributor: str(r.distributeurTech),
        technicalValidator: str(r.validateurTech),
        description: str(r.description),
      },
    ];
  });
}

export function parseSubscriptions(body: unknown): GarSubscription[] {
  return list((body as Json)?.abonnements).flatMap((raw) => {
    const a = raw as Json;
    const id = str(a.idAbonnement);
    const resourceId = str(a.idRessource);
    const uai = str(a.uaiEtab);
    if (!id || !resourceId || !uai) return [];
    return [
      {
        id,
        resourceId,
        uai,
        validFrom: str(a.debutValidite) ?? '',
        validTo: str(a.finValidite) ?? '',
        assignmentType: str(a.typeAffectation) ?? 'ETABL',
        licences: list(a.nbLicences).flatMap((l) => {
          const audience = str((l as Json).publicCible);
          const count = (l as Json).nombre;
          return audience ? [{ audience, count: count === 'ILLIMITE' ? null : Number(count) }] : [];
        }),
      },
    ];
  });
}

/**
 * The GAR's resource web service, over mutual TLS (the ENT's client certificate; the GAR's CA
 * pinned), JSON, gzip. A person's catalogue is cached per school for `cacheTtlMs`; concurrent asks
 * for the same catalogue share one call.
 */
export class GarClient {
  readonly #agent: Agent;
  /** Catalogues by `uai/person`: lru-cache keeps them for the TTL and shares one call among concurrent asks. */
  readonly #cache: LRUCache<string, GarResource[], { uai: string; garPersonId: string }>;
  calls = 0;

  constructor(readonly options: GarClientOptions) {
    this.#agent = new Agent({
      connect: { cert: options.certPem, key: options.keyPem, ca: options.caPem, rejectUnauthorized: true },
      keepAliveTimeout: 10_000,
      connections: 32,
    });
    this.#cache = boundedCache({
      maxEntries: options.cacheMax ?? 50_000,
      ttl: options.cacheTtlMs ?? 10 * 60_000,
      fetchMethod: async (_key, _stale, { context: { uai, garPersonId } }) =>
        parseResources(await this.#get(`/ressources/${encodeURIComponent(this.options.idEnt)}/${encodeURIComponent(uai)}/${encodeURIComponent(garPersonId)}`)),
    });
  }

  async #get(path: string): Promise<unknown> {
    this.calls++;
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(`${this.options.baseUrl}${path}`, {
        dispatcher: this.#agent,
        headers: { accept: 'application/json', 'accept-encoding': 'gzip' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 4000),
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new GarError('timeout', 'the GAR did not answer in time', {}, { cause: error });
      throw new GarError(
        'unavailable',
        `the GAR is unavailable: ${(error as Error).cause ? String(((error as Error).cause as Error).message) : (error as Error).message}`,
        {},
        { cause: error },
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new GarError('bad-response', `the GAR answered ${response.status} with a body that is not JSON`, { status: response.status }, { cause: error });
    }
    if (!response.ok) {
      const erreur = (body as Json)?.Erreur as Json | undefined;
      throw new GarError('refused', `the GAR refused the request: ${str(erreur?.Message) ?? `HTTP ${response.status}`}`, {
        status: response.status,
        code: str(erreur?.Code),
      });
    }
    return body;
  }

  /**
   * A person's resources in one school. `garPersonId` is the pseudonym the GAR knows them by.
   * `reads` learns how long the catalogue has left in the cache (milliseconds; a catalogue just
   * fetched, its full time-to-live): what is shown of it may not be reused longer than that
   * (subgraphs/kit/answer-freshness.ts).
   */
  async resources(uai: string, garPersonId: string, reads?: { readFrom(remainingMs: number): void }): Promise<GarResource[]> {
    const key = `${uai}/${garPersonId}`;
    const resources = (await this.#cache.fetch(key, { context: { uai, garPersonId } })) ?? [];
    // Read after the fetch settled: the entry it set, or the one it found (0 if already gone).
    reads?.readFrom(this.#cache.getRemainingTTL(key));
    return resources;
  }

  async subscriptions(uai: string): Promise<GarSubscription[]> {
    return parseSubscriptions(await this.#get(`/abonnements/${encodeURIComponent(this.options.idEnt)}/${encodeURIComponent(uai)}`));
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
