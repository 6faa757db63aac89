// Turns the JSON of a corpus case (tests/corpus/*.json) into the JavaScript values it
// stands for. JSON cannot write `undefined`, NaN, BigInt, cycles, functions, symbols, huge
// strings or deep nesting, so the corpus names them:
//
//   { "$special": "undefined" | "NaN" | "Infinity" | "-Infinity" | "-0" | "bigint"
//     | "symbol" | "function" | "map" | "set" | "date" | "typedArray" | "arrayBuffer"
//     | "boxedString" | "revokedProxy" }
//   { "$special": "cycle", "value": {…} }                  the object with `self` pointing to itself
//   { "$special": "throwingGetter", "value": {…}, "key": "id" }  reading `key` throws
//   { "$special": "throwingToJSON", "value": {…} }         its toJSON() throws
//   { "$special": "sparse", "length": n }                  an array of n holes
//   { "$special": "repeat", "text": "x", "times": n }      a string of n copies of text
//   { "$special": "deep", "depth": n, "key": "k" | null, "leaf": v }
//                                                          n nested objects ({k: …}) or arrays
//   { "$special": "json", "value": v }                    the JSON text of v (after materialising it)
//   { "$special": "many", "count": n, "item": v, "ids": "prefix"? }
//                                                          n copies of v (with ids prefix0, prefix1, …)
//   { "$fixture": "name", "plus": n? }                     a value of the case's fixture
//                                                          (an id, a version + n, a graph, …)
//
// Anything else is copied, with its properties and items materialised in turn.

/** Large values are built once and shared: a 64 MiB string costs time and memory. */
const cache = new Map();

function cached(spec, build) {
  const key = JSON.stringify(spec);
  if (!cache.has(key)) cache.set(key, build());
  return cache.get(key);
}

function special(spec, fixture) {
  const inner = (value) => materialise(value, fixture);
  switch (spec.$special) {
    case 'undefined': return undefined;
    case 'NaN': return NaN;
    case 'Infinity': return Infinity;
    case '-Infinity': return -Infinity;
    case '-0': return -0;
    case 'bigint': return BigInt(spec.value ?? 10);
    case 'symbol': return Symbol(spec.value ?? 'corpus');
    case 'function': return () => spec.value;
    case 'map': return new Map([['id', 'a']]);
    case 'set': return new Set(['a']);
    case 'date': return new Date(0);
    case 'typedArray': return new Uint8Array([1, 2, 3]);
    case 'arrayBuffer': return new ArrayBuffer(8);
    case 'boxedString': return new String(spec.value ?? 'a');
    case 'revokedProxy': {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }
    case 'cycle': {
      const object = inner(spec.value ?? {});
      object.self = object;
      return object;
    }
    case 'throwingGetter': {
      const object = inner(spec.value ?? {});
      Object.defineProperty(object, spec.key, { enumerable: true, get() { throw new Error(`reading ${spec.key} fails`); } });
      return object;
    }
    case 'throwingToJSON': {
      const object = inner(spec.value ?? {});
      object.toJSON = () => { throw new Error('toJSON fails'); };
      return object;
    }
    case 'sparse': return new Array(spec.length);
    case 'json': return JSON.stringify(inner(spec.value));
    case 'repeat': return cached(spec, () => spec.text.repeat(spec.times));
    case 'deep': return cached(spec, () => {
      let value = inner(spec.leaf ?? null);
      for (let i = 0; i < spec.depth; i += 1) value = spec.key == null ? [value] : { [spec.key]: value };
      return value;
    });
    case 'many': return cached(spec, () => Array.from({ length: spec.count }, (_, index) => {
      const item = inner(spec.item);
      return spec.ids === undefined ? item : { ...item, id: `${spec.ids}${index}` };
    }));
    default: throw new Error(`unknown $special '${spec.$special}'`);
  }
}

/**
 * The JavaScript value `json` stands for; `fixture` supplies `$fixture` values (a
 * diagram id, a version, the graph, …).
 */
export function materialise(json, fixture = {}) {
  if (Array.isArray(json)) return json.map((item) => materialise(item, fixture));
  if (json === null || typeof json !== 'object') return json;
  if ('$special' in json) return special(json, fixture);
  if ('$fixture' in json) {
    if (!(json.$fixture in fixture)) throw new Error(`the fixture has no '${json.$fixture}'`);
    const value = fixture[json.$fixture];
    return json.plus === undefined ? value : value + json.plus;
  }
  const object = {};
  // defineProperty, so that a `__proto__` key stays an own property as JSON.parse made it.
  for (const [key, value] of Object.entries(json)) {
    Object.defineProperty(object, key, { value: materialise(value, fixture), enumerable: true, writable: true, configurable: true });
  }
  return object;
}
