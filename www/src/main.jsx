import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import init from 'diagram-state';
import App from './App.jsx';
import './app.css';

// Instantiate the wasm module once, before the first render.
await init();

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
