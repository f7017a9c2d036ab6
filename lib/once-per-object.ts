/**
 * `compute(key)`, computed once per key object and forgotten with it (a WeakMap): for what the
 * router derives from a supergraph document, which a reload replaces with a new object.
 */
export function oncePerObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const computed = new WeakMap<K, V>();
  return (key) => {
    let value = computed.get(key);
    if (value === undefined) computed.set(key, (value = compute(key)));
    return value;
  };
}
