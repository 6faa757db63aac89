/** A small data-flow diagram shown until the editor opens a stored one. */
export const sampleDiagram = {
  cells: [
    {
      id: 'user',
      shape: 'rect',
      position: { x: 40, y: 60 },
      size: { width: 140, height: 60 },
      attrs: { body: { fill: '#eef2ff', stroke: '#4f46e5' }, label: { text: 'User (actor)' } },
    },
    {
      id: 'web',
      shape: 'ellipse',
      position: { x: 280, y: 50 },
      size: { width: 150, height: 80 },
      attrs: { body: { fill: '#ecfdf5', stroke: '#059669' }, label: { text: 'Web app (process)' } },
    },
    {
      id: 'db',
      shape: 'rect',
      position: { x: 540, y: 60 },
      size: { width: 140, height: 60 },
      attrs: { body: { fill: '#fff7ed', stroke: '#ea580c' }, label: { text: 'Orders (store)' } },
    },
    { id: 'e1', shape: 'edge', source: 'user', target: 'web', labels: ['login'] },
    { id: 'e2', shape: 'edge', source: 'web', target: 'db', labels: ['orders'] },
  ],
};
