/** The subgraph a fetch URL names, among the backend's (the viewer-context binding includes it); '' for none. */
export const subgraphOfUrls =
  (subgraphUrls: Record<string, string>) =>
  (url: string): string =>
    Object.entries(subgraphUrls).find(([, location]) => location === url)?.[0] ?? '';
