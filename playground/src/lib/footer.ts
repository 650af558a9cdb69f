// The footer line every page shows: which backend the library computes on in this page.

/** Writes the backend's name into the page's <output id="backend">, if it has one. */
export function showBackend(): void {
  const output = document.getElementById('backend');
  // Until the core entry can load its wasm backend in a browser, pages compute on the
  // reference backend (plain TypeScript).
  if (output !== null) output.textContent = 'reference';
}
