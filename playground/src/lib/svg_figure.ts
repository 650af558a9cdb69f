// Putting a drawn SVG into the page. Several drawings share one document, so the ids inside
// each (its arrowhead marker) are made unique to it.

let figures = 0;

/** Replaces `container`'s content with the SVG text, made by nabla's own drawer. */
export function showSvg(container: HTMLElement, svg: string): void {
  const prefix = `fig${++figures}-`;
  const unique = svg.replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`);
  const parsed = new DOMParser().parseFromString(unique, 'image/svg+xml').documentElement;
  container.replaceChildren(document.importNode(parsed, true));
}
