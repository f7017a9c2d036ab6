import { readFile, stat } from 'node:fs/promises';
import { Kind, parse, type DocumentNode, type EnumValueDefinitionNode } from 'graphql';
import type { Logger } from '../../lib/logger.ts';
import { HubError } from '../../lib/errors.ts';

export interface SubgraphEndpoint {
  /** The subgraph name as composed (the `name` argument of `@join__graph`). */
  name: string;
  url: string;
}

export interface LoadedSupergraph {
  sdl: string;
  document: DocumentNode;
  subgraphs: SubgraphEndpoint[];
}

export class SupergraphError extends HubError {
  static override readonly code = 'ERR_SUPERGRAPH';
}

/** Parses a supergraph SDL and lists its subgraphs, failing with a readable reason when it is not one. */
export function readSupergraph(sdl: string, source = 'supergraph'): LoadedSupergraph {
  let document: DocumentNode;
  try {
    document = parse(sdl);
  } catch (error) {
    throw new SupergraphError(`${source} is not valid GraphQL: ${(error as Error).message}`, { cause: error });
  }
  const joinGraph = document.definitions.find((definition) => definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph');
  if (!joinGraph || joinGraph.kind !== Kind.ENUM_TYPE_DEFINITION || !joinGraph.values?.length) {
    throw new SupergraphError(`${source} is not a federation supergraph (no join__Graph enum)`);
  }
  return { sdl, document, subgraphs: joinGraph.values.map((value) => endpointOf(value, source)) };
}

function endpointOf(value: EnumValueDefinitionNode, source: string): SubgraphEndpoint {
  const directive = value.directives?.find((d) => d.name.value === 'join__graph');
  const argument = (name: string) => {
    const node = directive?.arguments?.find((a) => a.name.value === name)?.value;
    return node?.kind === Kind.STRING ? node.value : undefined;
  };
  const name = argument('name');
  const url = argument('url');
  if (!name || url === undefined) throw new SupergraphError(`${source}: join__Graph.${value.name.value} has no name or url`);
  return { name, url };
}

/**
 * Keeps the last good supergraph of a file. A change is picked up on the next `refresh()`; a file that
 * is half-written or broken is reported and ignored, so the router keeps serving the previous graph.
 */
export class SupergraphFile {
  #current: LoadedSupergraph | undefined;
  #mtimeMs = -1;
  #size = -1;

  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {}

  get current(): LoadedSupergraph | undefined {
    return this.#current;
  }

  /** Loads the file for the first time; unlike a later refresh, a broken file here is fatal. */
  async load(): Promise<LoadedSupergraph> {
    const loaded = await this.#read();
    this.#current = loaded;
    return loaded;
  }

  /** Re-reads the file if it changed. Returns the graph to serve (the new one, or the last good one). */
  async refresh(): Promise<LoadedSupergraph | undefined> {
    try {
      const info = await stat(this.path);
      if (info.mtimeMs === this.#mtimeMs && info.size === this.#size) return this.#current;
      const loaded = await this.#read();
      if (loaded.sdl !== this.#current?.sdl) {
        this.log.info({ path: this.path, subgraphs: loaded.subgraphs.map((s) => s.name) }, 'supergraph changed');
      }
      this.#current = loaded;
    } catch (error) {
      this.log.error({ err: error, path: this.path }, 'supergraph reload failed; keeping the previous one');
    }
    return this.#current;
  }

  async #read(): Promise<LoadedSupergraph> {
    let sdl: string;
    try {
      const info = await stat(this.path);
      sdl = await readFile(this.path, 'utf8');
      this.#mtimeMs = info.mtimeMs;
      this.#size = info.size;
    } catch (error) {
      throw new SupergraphError(`cannot read supergraph file ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    return readSupergraph(sdl, this.path);
  }
}
