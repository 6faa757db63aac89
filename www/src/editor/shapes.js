// Data-flow-diagram shapes for X6: process, data store, external entity and trust boundary,
// each with four ports that are hidden until the pointer is over the node.
import { Graph } from '@antv/x6';

const port = {
  attrs: {
    circle: { r: 5, magnet: true, stroke: '#64748b', strokeWidth: 1, fill: '#fff', style: { visibility: 'hidden' } },
  },
};

/** Four port groups, one per side, and one port in each (ids `top`, `right`, …). */
export const ports = {
  groups: {
    top: { position: 'top', ...port },
    right: { position: 'right', ...port },
    bottom: { position: 'bottom', ...port },
    left: { position: 'left', ...port },
  },
  items: ['top', 'right', 'bottom', 'left'].map((group) => ({ id: group, group })),
};

const label = { fontSize: 13, fill: '#0f172a' };

/** The palette: shape name, label and size of each kind of element. */
export const palette = [
  { shape: 'dfd-process', title: 'Process', width: 120, height: 120 },
  { shape: 'dfd-store', title: 'Data store', width: 150, height: 56 },
  { shape: 'dfd-actor', title: 'External entity', width: 140, height: 64 },
  { shape: 'dfd-boundary', title: 'Trust boundary', width: 320, height: 220 },
];

let registered = false;

/** Registers the shapes once per page. Ports are part of each cell (see `ports`), so a
 * saved diagram carries them. */
export function registerShapes() {
  if (registered) return;
  registered = true;
  Graph.registerNode('dfd-process', {
    inherit: 'circle',
    attrs: { body: { fill: '#ecfdf5', stroke: '#059669', strokeWidth: 2 }, label },
  });
  Graph.registerNode('dfd-actor', {
    inherit: 'rect',
    attrs: { body: { fill: '#eef2ff', stroke: '#4f46e5', strokeWidth: 2, rx: 4, ry: 4 }, label },
  });
  Graph.registerNode('dfd-store', {
    inherit: 'rect',
    markup: [
      { tagName: 'rect', selector: 'body' },
      { tagName: 'path', selector: 'lines' },
      { tagName: 'text', selector: 'label' },
    ],
    attrs: {
      body: { refWidth: '100%', refHeight: '100%', fill: '#fff7ed', stroke: 'none', strokeWidth: 2 },
      lines: { refD: 'M 0 0 H 10 M 0 10 H 10', stroke: '#ea580c', strokeWidth: 2, fill: 'none' },
      label: { ...label, refX: '50%', refY: '50%', textAnchor: 'middle', textVerticalAnchor: 'middle' },
    },
  });
  Graph.registerNode('dfd-boundary', {
    inherit: 'rect',
    zIndex: -1,
    attrs: {
      body: { fill: 'rgba(248, 113, 113, 0.04)', stroke: '#dc2626', strokeWidth: 2, strokeDasharray: '8 5', rx: 10, ry: 10 },
      label: { ...label, fill: '#b91c1c', refY: 14, textVerticalAnchor: 'top' },
    },
  });
}

/** The cell JSON of a new element of `kind` (a palette entry) at (x, y). */
export function newElement(kind, x, y, count) {
  return {
    shape: kind.shape,
    x,
    y,
    width: kind.width,
    height: kind.height,
    zIndex: kind.shape === 'dfd-boundary' ? -1 : 1,
    label: `${kind.title} ${count}`,
    ...(kind.shape === 'dfd-boundary' ? {} : { ports: structuredClone(ports) }),
  };
}

/** The look of a new data flow (edge). */
export const flowStyle = {
  attrs: { line: { stroke: '#334155', strokeWidth: 1.5, targetMarker: { name: 'block', width: 10, height: 7 } } },
  labels: [],
};

/** A small data-flow diagram for a new diagram. */
export const sampleCells = [
  { id: 'user', shape: 'dfd-actor', x: 40, y: 80, width: 140, height: 64, label: 'User', ports },
  { id: 'web', shape: 'dfd-process', x: 300, y: 52, width: 120, height: 120, label: 'Web app', ports },
  { id: 'orders', shape: 'dfd-store', x: 560, y: 84, width: 150, height: 56, label: 'Orders', ports },
  { id: 'dmz', shape: 'dfd-boundary', x: 250, y: 20, width: 200, height: 190, zIndex: -1, label: 'DMZ' },
  {
    id: 'f1', shape: 'edge', source: { cell: 'user' }, target: { cell: 'web' }, ...flowStyle,
    labels: [{ attrs: { label: { text: 'login' } } }],
  },
  {
    id: 'f2', shape: 'edge', source: { cell: 'web' }, target: { cell: 'orders' }, ...flowStyle,
    labels: [{ attrs: { label: { text: 'orders' } } }],
  },
];
