// Putting a drawn SVG into the page. Several drawings share one document, so the ids inside
// each (its arrowhead marker) are made unique to it. On a narrow screen a drawing shrinks to
// fit, down to where its text would get too small to read; below that its box scrolls.

let figures = 0;

/** The smallest scale a drawing is shown at: 13 px labels stay at 8 px or more. */
const MIN_SCALE = 0.62;

/** Replaces `container`'s content with the SVG text, made by nabla's own drawer. */
export function showSvg(container: HTMLElement, svg: string): void {
  const prefix = `fig${++figures}-`;
  const unique = svg.replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`);
  const parsed = document.importNode(new DOMParser().parseFromString(unique, 'image/svg+xml').documentElement, true);
  const width = Number(parsed.getAttribute('width'));
  if (Number.isFinite(width) && width > 0) {
    // The viewBox keeps the proportions as the width changes.
    parsed.setAttribute('style', `width:100%;max-width:${width}px;min-width:${Math.round(width * MIN_SCALE)}px;height:auto`);
  }
  container.replaceChildren(parsed);
}
