// The drawing pad: a square canvas of fixed resolution, ten pixels per MNIST pixel, shown at
// whatever size fits the screen; drawn on with a mouse, a pen or a finger through pointer
// events. White paper and round black strokes, as a digit on paper, which is what `nabla
// predict` is made for. The resolution is fixed so that a drawing is the same input on a
// phone and on a desktop, and preparing it stays fast.

/** Pixels on a side of the pad's canvas. */
export const PAD_SIDE = 280;
/**
 * Stroke width in pad pixels. A digit drawn over most of the pad is scaled into MNIST's
 * 20-pixel box by about 1/10, which makes this a stroke of about 2 pixels, as MNIST's are.
 */
export const STROKE_WIDTH = 20;

interface Point {
  x: number;
  y: number;
}

export class DrawingPad {
  private readonly context: CanvasRenderingContext2D;
  /** The pointer drawing now; one at a time, so a second finger cannot scribble. */
  private pointer: number | undefined;
  private last: Point | undefined;

  /** `changed(ended)` after every mark; `ended` once a stroke is finished. */
  constructor(readonly canvas: HTMLCanvasElement, private readonly changed: (ended: boolean) => void) {
    canvas.width = PAD_SIDE;
    canvas.height = PAD_SIDE;
    // Read back every frame: a CPU-side canvas makes getImageData cheap.
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (context === null) throw new Error('this browser cannot draw on a canvas');
    this.context = context;
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'] as const) canvas.addEventListener(type, (e) => this.up(e));
    this.clear();
  }

  /** Blank paper: opaque white, so the pixels read back are the picture as drawn. */
  clear(): void {
    this.pointer = undefined;
    this.last = undefined;
    this.context.fillStyle = '#fff';
    this.context.fillRect(0, 0, PAD_SIDE, PAD_SIDE);
  }

  /** The pad's RGBA pixels. */
  pixels(): ImageData {
    return this.context.getImageData(0, 0, PAD_SIDE, PAD_SIDE);
  }

  /**
   * An MNIST digit (784 ink values, 0..1) as dark ink on the paper, enlarged smoothly as a
   * scan of it would be, replacing the drawing.
   */
  showDigit(ink: ArrayLike<number>): void {
    const small = document.createElement('canvas');
    small.width = 28;
    small.height = 28;
    const smallContext = small.getContext('2d');
    if (smallContext === null) throw new Error('this browser cannot draw on a canvas');
    const image = smallContext.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const gray = Math.round(255 * (1 - (ink[i] ?? 0)));
      image.data.set([gray, gray, gray, 255], 4 * i);
    }
    smallContext.putImageData(image, 0, 0);
    this.clear();
    this.context.imageSmoothingEnabled = true;
    this.context.imageSmoothingQuality = 'high';
    this.context.drawImage(small, 0, 0, PAD_SIDE, PAD_SIDE);
  }

  /** A pointer event's position in pad pixels (the canvas is shown scaled, inside its border). */
  private point(e: PointerEvent): Point {
    const box = this.canvas.getBoundingClientRect();
    const scale = PAD_SIDE / (this.canvas.clientWidth || PAD_SIDE);
    return { x: (e.clientX - box.left - this.canvas.clientLeft) * scale, y: (e.clientY - box.top - this.canvas.clientTop) * scale };
  }

  private down(e: PointerEvent): void {
    if (this.pointer !== undefined || (e.pointerType === 'mouse' && e.button !== 0)) return;
    // No text selection, no emulated mouse events, and the strokes follow the pointer off the pad.
    e.preventDefault();
    this.pointer = e.pointerId;
    this.canvas.setPointerCapture(e.pointerId);
    const p = this.point(e);
    this.last = p;
    // A tap leaves a dot, as a pen does.
    this.context.fillStyle = '#000';
    this.context.beginPath();
    this.context.arc(p.x, p.y, STROKE_WIDTH / 2, 0, 2 * Math.PI);
    this.context.fill();
    this.changed(false);
  }

  private move(e: PointerEvent): void {
    if (e.pointerId !== this.pointer || this.last === undefined) return;
    // A fast stroke delivers several positions per frame; all of them make the line.
    const coalesced = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    const events = coalesced.length > 0 ? coalesced : [e];
    const c = this.context;
    c.strokeStyle = '#000';
    c.lineWidth = STROKE_WIDTH;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(this.last.x, this.last.y);
    for (const event of events) {
      const p = this.point(event);
      c.lineTo(p.x, p.y);
      this.last = p;
    }
    c.stroke();
    this.changed(false);
  }

  private up(e: PointerEvent): void {
    if (e.pointerId !== this.pointer) return;
    this.pointer = undefined;
    this.last = undefined;
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    this.changed(true);
  }
}
