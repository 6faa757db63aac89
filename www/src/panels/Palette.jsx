import { palette } from '../editor/shapes.js';

/** The element palette: a click adds the element to the middle of the visible canvas. */
export default function Palette({ onAdd, disabled }) {
  return (
    <aside className="palette" aria-label="Elements">
      <h2>Elements</h2>
      {palette.map((kind) => (
        <button key={kind.shape} type="button" className={`palette-item ${kind.shape}`} disabled={disabled}
          onClick={() => onAdd(kind)} data-testid={`add-${kind.shape}`}>
          <span className="swatch" aria-hidden="true" />
          {kind.title}
        </button>
      ))}
      <p className="hint">Drag from a port to connect. Double-click to rename. Right-drag to pan.</p>
    </aside>
  );
}
