// The X6 graph of the editor: canvas settings, connecting rules, selection, and the
// visual-only effects (port hover, selection glow) that diagram-state keeps out of the
// history, saves and sync.
import { Graph, Selection } from '@antv/x6';
import { flowStyle, registerShapes } from './shapes.js';

const GLOW = { name: 'dropShadow', args: { dx: 0, dy: 0, blur: 6, color: '#2563eb', opacity: 0.9 } };

/** Creates the editor's graph in `container`. Returns the graph; `graph.dispose()` ends it. */
export function createGraph(container) {
  registerShapes();
  const graph = new Graph({
    container,
    autoResize: true,
    grid: { visible: true, size: 10 },
    background: { color: '#f8fafc' },
    panning: { enabled: true, eventTypes: ['rightMouseDown'] },
    mousewheel: { enabled: true, modifiers: ['ctrl', 'meta'] },
    connecting: {
      snap: { radius: 24 },
      allowBlank: false,
      allowLoop: false,
      allowMulti: true,
      highlight: true,
      connector: 'rounded',
      createEdge() {
        return this.createEdge({ shape: 'edge', ...structuredClone(flowStyle) });
      },
    },
  });
  graph.use(new Selection({ enabled: true, multiple: true, rubberband: true, movable: true, showNodeSelectionBox: false, showEdgeSelectionBox: false }));
  bindVisualEffects(graph);
  return graph;
}

/** Port visibility on hover and a glow on selected cells: visual-only attribute changes. */
function bindVisualEffects(graph) {
  const setPorts = (node, visibility) => {
    for (const port of node.getPorts()) {
      if (port.id) node.setPortProp(port.id, 'attrs/circle/style/visibility', visibility);
    }
  };
  graph.on('node:mouseenter', ({ node }) => setPorts(node, 'visible'));
  graph.on('node:mouseleave', ({ node }) => setPorts(node, 'hidden'));
  graph.on('cell:selected', ({ cell }) => {
    cell.attr(cell.isEdge() ? 'line/filter' : 'body/filter', GLOW);
    if (cell.isEdge()) cell.addTools([{ name: 'vertices' }]);
  });
  graph.on('cell:unselected', ({ cell }) => {
    cell.removeAttrByPath(cell.isEdge() ? 'line/filter' : 'body/filter');
    if (cell.isEdge()) cell.removeTool('vertices');
  });
  // Double-click edits a label in place: X6's editor tools write `attrs/text/text` (nodes)
  // or `labels` (flows). Tools are installed after the cell is added, so they never reach
  // the cell JSON the state records (tool changes themselves are excluded by the filter).
  const addEditor = (cell) =>
    queueMicrotask(() => {
      const name = cell.isEdge() ? 'edge-editor' : 'node-editor';
      if (cell.model && !cell.hasTool(name)) cell.addTools({ name, args: { setText } });
    });
  graph.on('cell:added', ({ cell }) => addEditor(cell));
  graph.on('model:reseted', () => graph.getCells().forEach(addEditor));
}

/**
 * Writes the text of X6's label editors. While the editor is open X6 blanks the label
 * (`''`) so the text is not drawn twice: that is display only, so it is marked visual and
 * never recorded; the edit itself (`null` = emptied) is one semantic change.
 */
function setText({ cell, value, index, distance }) {
  const options = value === '' ? { significance: 'visual' } : {};
  if (cell.isNode()) {
    cell.attr('text/text', value ?? '', options);
  } else if (index === -1) {
    if (value) cell.appendLabel({ position: { distance }, attrs: { label: { text: value } } });
  } else if (value === null) {
    cell.removeLabelAt(index);
  } else {
    cell.prop(`labels/${index}/attrs/label/text`, value, options);
  }
}

/** Deletes the selected cells as one undoable step. */
export function deleteSelection(graph) {
  const cells = graph.getSelectedCells();
  if (cells.length > 0) graph.removeCells(cells);
}
