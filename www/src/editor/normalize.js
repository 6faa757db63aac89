import { Graph } from '@antv/x6';
import { registerShapes } from './shapes.js';

/** The cells as X6 itself writes them (`graph.toJSON()`): shorthands such as `x`/`label`
 * expanded and defaults filled in, so the stored diagram matches what the editor shows. */
export function normalizeCells(cells) {
  registerShapes();
  const container = document.createElement('div');
  const graph = new Graph({ container, width: 10, height: 10 });
  graph.fromJSON({ cells: structuredClone(cells) });
  const normalized = graph.toJSON().cells;
  graph.dispose();
  return normalized;
}
