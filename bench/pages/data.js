// Deterministic benchmark data shared by every suite and every system: a seeded PRNG, an
// X6 diagram of N nodes and M edges, and sequences of edits. Loaded in pages
// (`/bench/pages/data.js`) and in Node alike; it imports nothing.

/** A seeded PRNG (mulberry32): `rng()` returns a float in [0, 1), the same for the same seed. */
export function createRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n) from `rng`. */
export const randomInt = (rng, n) => Math.floor(rng() * n);

/** The id of node `i` and of edge `i`. */
export const nodeId = (i) => `n${i}`;
export const edgeId = (i) => `e${i}`;

/**
 * An X6 document's cells: `nodes` rect nodes on a grid, each with a label and a `data`
 * object, and `edges` edges between random distinct nodes (seeded). Plain JSON, the shape
 * `graph.fromJSON({ cells })` takes.
 */
export function makeDiagram({ nodes, edges, seed = 1 }) {
  const rng = createRng(seed);
  const cells = [];
  const columns = Math.ceil(Math.sqrt(nodes));
  for (let i = 0; i < nodes; i += 1) {
    cells.push({
      id: nodeId(i),
      shape: 'rect',
      position: { x: (i % columns) * 160, y: Math.floor(i / columns) * 100 },
      size: { width: 120, height: 60 },
      attrs: {
        body: { fill: '#ffffff', stroke: '#5f95ff', strokeWidth: 1 },
        text: { text: `Process ${i}` },
      },
      data: { kind: 'process', owner: `team-${i % 7}`, score: i % 10 },
      zIndex: 1,
    });
  }
  for (let i = 0; i < edges; i += 1) {
    const source = randomInt(rng, nodes);
    let target = randomInt(rng, nodes - 1);
    if (target >= source) target += 1;
    cells.push({
      id: edgeId(i),
      shape: 'edge',
      source: { cell: nodeId(source) },
      target: { cell: nodeId(target) },
      attrs: { line: { stroke: '#333333', strokeWidth: 1 } },
      zIndex: 0,
    });
  }
  return cells;
}

/**
 * `count` label edits on random nodes (seeded): `[{ id, text }]`, each text new, to be
 * written to the node's `attrs/text/text` (a semantic path under the default rules).
 */
export function makeLabelEdits({ count, nodes, seed = 2 }) {
  const rng = createRng(seed);
  const edits = new Array(count);
  for (let i = 0; i < count; i += 1) edits[i] = { id: nodeId(randomInt(rng, nodes)), text: `Label ${i}` };
  return edits;
}

// Cell paths as X6 changes produce them: visual ones (selection, shadows, tools, port
// highlight) and semantic ones (labels, geometry, data, ports), with edge cases of the rule
// syntax (`attrs/filter`, paths beneath a rule's match, near misses, deep paths).
const PATH_TEMPLATES = [
  'attrs/body/stroke', 'attrs/body/strokeWidth', 'attrs/body/filter', 'attrs/line/filter/args/color',
  'attrs/filter', 'attrs/text/shadowBlur', 'attrs/body/shadowColor', 'attrs/a/b/c/shadowOffsetX',
  'attrs/label/shadowOffsetY', 'tools', 'tools/items/#', 'ports/items/#/attrs/circle/stroke',
  'ports/items/#/attrs/circle/fill', 'ports/items/#/attrs/circle/style/visibility',
  'attrs/text/text', 'attrs/body/fill', 'attrs/body/strokeDasharray', 'attrs/body/strokeWidthX',
  'attrs/line/stroke', 'attrs/body', 'position/x', 'position/y', 'size/width', 'size/height',
  'data/owner', 'data/kind', 'data/nested/#/filter', 'labels/#/attrs/label/text', 'source/cell',
  'target/port', 'vertices/#/x', 'zIndex', 'ports/items/#/group', 'ports/items/#/attrs/circle/r',
  'ports/items/attrs/circle/fill', 'ports/items/#/attrs/text/fill', 'attrs/a/b/c/d/e/f/g/h/filter',
  'attrs/a/b/c/d/e/f/g/h/i/text', 'toolsx/items', 'attrs',
];

/** `count` cell paths drawn (seeded) from a mix of visual and semantic ones. */
export function makePaths({ count, seed = 3 }) {
  const rng = createRng(seed);
  const paths = new Array(count);
  for (let i = 0; i < count; i += 1) {
    paths[i] = PATH_TEMPLATES[randomInt(rng, PATH_TEMPLATES.length)].replaceAll('#', String(randomInt(rng, 12)));
  }
  return paths;
}
