import { LRUCache } from 'lru-cache';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider's storage for the embedded stand-in: bounded and expiring (the library's own
 * quick-start adapter is neither). One cache per provider instance, shared by its models.
 */
export function memoryAdapterFactory(): new (model: string) => Adapter {
  // `__id`: on the uid index entries, the id of the payload they point to.
  const store = new LRUCache<string, AdapterPayload & { __id?: string }>({ max: 100_000, ttl: 24 * 3600_000 });
  const grants = new Map<string, Set<string>>();
  return class MemoryAdapter implements Adapter {
    constructor(private readonly model: string) {}

    #key(id: string) {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      const key = this.#key(id);
      store.set(key, payload, { ttl: Math.max(1, expiresIn) * 1000 });
      if (payload.grantId) {
        let keys = grants.get(payload.grantId);
        if (!keys) grants.set(payload.grantId, (keys = new Set()));
        keys.add(key);
      }
      if (payload.uid) store.set(`${this.model}:uid:${payload.uid}`, { ...payload, __id: id }, { ttl: Math.max(1, expiresIn) * 1000 });
    }

    async find(id: string) {
      return store.get(this.#key(id));
    }

    async findByUid(uid: string) {
      const entry = store.get(`${this.model}:uid:${uid}`);
      return entry?.__id ? store.get(this.#key(entry.__id)) : undefined;
    }

    async findByUserCode() {
      return undefined;
    }

    async consume(id: string) {
      const payload = store.get(this.#key(id));
      if (payload) store.set(this.#key(id), { ...payload, consumed: Math.floor(Date.now() / 1000) });
    }

    async destroy(id: string) {
      store.delete(this.#key(id));
    }

    async revokeByGrantId(grantId: string) {
      for (const key of grants.get(grantId) ?? []) store.delete(key);
      grants.delete(grantId);
    }
  };
}
