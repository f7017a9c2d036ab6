import { Client, InvalidCredentialsError, SizeLimitExceededError, type Entry, type Filter } from 'ldapts';
import { HubErrorWithReason } from '../../../lib/errors.ts';
import { inSpan, ROWS_ATTRIBUTE } from '../../../lib/tracing.ts';

export interface LdapConnectionOptions {
  /** `ldap://host:389` (with `startTls`) or `ldaps://host:636`. */
  url: string;
  /** The hub's service account: it binds once per connection and reads, never writes. */
  bindDn: string;
  password: string;
  base: string;
  startTls?: boolean;
  /** PEM of the CA that signed the directory's certificate (pinned); the system's CAs otherwise. */
  caPem?: string;
  /** Per operation; a directory that does not answer in time is an error, never a hang. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  poolSize?: number;
  /** RFC 2696 page size: searches page past the server's size limit. */
  pageSize?: number;
}

export type LdapFailure = 'unavailable' | 'timeout' | 'bind-refused' | 'search-failed';

/** A directory operation that failed, saying how; the caller turns it into a clear error. */
export class LdapError extends HubErrorWithReason<LdapFailure> {
  static override readonly code = 'ERR_LDAP';
}

function classify(error: unknown): LdapError {
  if (error instanceof LdapError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof InvalidCredentialsError) return new LdapError('bind-refused', 'the directory refused the service account', { cause: error });
  if (error instanceof SizeLimitExceededError) {
    return new LdapError('search-failed', 'the directory’s size limit was exceeded (this search must be paged)', { cause: error });
  }
  if (/timeout|timed out/i.test(message)) return new LdapError('timeout', `the directory did not answer in time: ${message}`, { cause: error });
  if (/ECONNREFUSED|ECONNRESET|EPIPE|socket|closed|connect|Connection/i.test(message)) {
    return new LdapError('unavailable', `the directory is unavailable: ${message}`, { cause: error });
  }
  return new LdapError('search-failed', `directory search failed: ${message}`, { cause: error });
}

interface Slot {
  client?: Client;
  ready?: Promise<Client>;
}

/**
 * A small pool of bound connections to the SDET directory. Each search takes the next connection;
 * a connection that breaks (the server restarted, the network dropped) is discarded and the search
 * is tried once more on a fresh one, which is safe because every operation here is a read.
 */
export class LdapPool {
  readonly #slots: Slot[];
  #next = 0;

  constructor(readonly options: LdapConnectionOptions) {
    this.#slots = Array.from({ length: Math.max(1, options.poolSize ?? 4) }, () => ({}));
  }

  async #connect(): Promise<Client> {
    const { options } = this;
    const tlsOptions = () => (options.caPem ? { ca: [options.caPem] } : {});
    const client = new Client({
      url: options.url,
      timeout: options.timeoutMs ?? 5000,
      connectTimeout: options.connectTimeoutMs ?? 3000,
      // For ldaps:// only. StartTLS gets its own object: ldapts writes the socket into the options it
      // is given, and sharing one object between the two makes the upgrade fail.
      tlsOptions: options.url.startsWith('ldaps:') ? tlsOptions() : undefined,
      strictDN: false,
    });
    try {
      if (options.startTls) await client.startTLS(tlsOptions());
      await client.bind(options.bindDn, options.password);
      return client;
    } catch (error) {
      await client.unbind().catch(() => undefined);
      throw classify(error);
    }
  }

  #acquire(): { slot: Slot; client: Promise<Client> } {
    const slot = this.#slots[this.#next++ % this.#slots.length]!;
    if (slot.client?.isConnected) return { slot, client: Promise.resolve(slot.client) };
    slot.ready ??= this.#connect().then(
      (client) => {
        slot.client = client;
        slot.ready = undefined;
        return client;
      },
      (error: unknown) => {
        slot.ready = undefined;
        throw error;
      },
    );
    return { slot, client: slot.ready };
  }

  #discard(slot: Slot): void {
    const client = slot.client;
    slot.client = undefined;
    void client?.unbind().catch(() => undefined);
  }

  /**
   * A search under `base` (the pool's base by default), paged, retried once on a broken connection.
   * With `sizeLimit`, the server stops after that many entries (not paged: one page is all we want)
   * and what it sent is the answer, not an error.
   */
  async search(
    filter: Filter,
    options: { base?: string; attributes?: string[]; scope?: 'sub' | 'one' | 'base'; paged?: boolean; sizeLimit?: number } = {},
  ): Promise<Entry[]> {
    // A span per search (its entries counted); never the filter, which holds the names searched.
    return inSpan('ldap search', { 'db.system': 'ldap', 'db.operation.name': 'search' }, async (span) => {
      const entries = await this.#search(filter, options);
      span.setAttribute(ROWS_ATTRIBUTE, entries.length);
      return entries;
    });
  }

  async #search(
    filter: Filter,
    options: { base?: string; attributes?: string[]; scope?: 'sub' | 'one' | 'base'; paged?: boolean; sizeLimit?: number },
  ): Promise<Entry[]> {
    for (let attempt = 0; ; attempt++) {
      const { slot, client } = this.#acquire();
      try {
        const result = await (
          await client
        ).search(options.base ?? this.options.base, {
          scope: options.scope ?? 'sub',
          filter,
          attributes: options.attributes,
          sizeLimit: options.sizeLimit,
          paged: options.paged === false || options.sizeLimit ? false : { pageSize: this.options.pageSize ?? 200 },
        });
        return result.searchEntries;
      } catch (error) {
        const failure = classify(error);
        this.#discard(slot);
        if (attempt === 0 && failure.reason === 'unavailable') continue;
        throw failure;
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#slots.map(async (slot) => slot.client?.unbind().catch(() => undefined)));
    for (const slot of this.#slots) slot.client = undefined;
  }
}
