// What the network sees and what it makes of it: the 28×28 input drawn pixel for pixel
// (bright digit on black, as MNIST holds it and `nabla predict --show` writes it) and the
// ten class probabilities as labelled bars.

/** Draws the 784 inputs (0..1) into a 28×28 canvas, or black for none. */
export function showInput(canvas: HTMLCanvasElement, input: ArrayLike<number> | undefined): void {
  const context = canvas.getContext('2d');
  if (context === null) return;
  const image = context.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = input === undefined ? 0 : Math.round(255 * Math.min(1, Math.max(0, input[i]!)));
    image.data.set([v, v, v, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
  canvas.setAttribute('aria-label', input === undefined ? 'The 28×28 input, enlarged: empty' : 'The 28×28 input, enlarged: your digit, white on black');
}

/** A probability as a person reads it: "98.3 %", "0.0 %". */
export function formatProbability(p: number): string {
  return `${(100 * p).toFixed(1)} %`;
}

export class ProbabilityBars {
  private readonly rows: { item: HTMLLIElement; fill: HTMLElement; value: HTMLElement }[] = [];

  constructor(list: HTMLOListElement) {
    list.replaceChildren();
    for (let digit = 0; digit < 10; digit++) {
      const item = document.createElement('li');
      item.dataset.digit = String(digit);
      const label = document.createElement('span');
      label.className = 'digit';
      label.textContent = String(digit);
      const track = document.createElement('span');
      track.className = 'track';
      // The number beside it says the same to a screen reader.
      track.setAttribute('aria-hidden', 'true');
      const fill = document.createElement('span');
      fill.className = 'fill';
      fill.style.display = 'block';
      track.append(fill);
      const value = document.createElement('span');
      value.className = 'value';
      item.append(label, track, value);
      list.append(item);
      this.rows.push({ item, fill, value });
    }
    this.show(undefined);
  }

  /** The ten probabilities, the top one marked; none: empty bars. */
  show(probabilities: readonly number[] | undefined, top?: number): void {
    this.rows.forEach(({ item, fill, value }, digit) => {
      const p = probabilities?.[digit];
      fill.style.width = p === undefined ? '0' : `${(100 * p).toFixed(2)}%`;
      value.textContent = p === undefined ? '–' : formatProbability(p);
      if (p === undefined) delete item.dataset.probability;
      else item.dataset.probability = String(p);
      item.classList.toggle('top', digit === top);
    });
  }
}
