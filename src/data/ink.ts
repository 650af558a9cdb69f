// Separating the ink of a handwritten digit from the paper it is on, for pictures that
// are not clean scans: paper that is grey, unevenly lit (a gradient, a shadow's edge
// softened by distance), noisy like a phone sensor, or ruled. A single background level
// fails on all of these; here the background is a smooth surface fitted robustly to the
// pixels that are not ink, ruled lines are found as rows or columns that are "ink" almost
// all the way across, and specks of noise are dropped as components far smaller than
// the digit.

export interface Ink {
  /** Ink intensity, 0 (paper) .. 1 (the strongest stroke), row-major. */
  ink: Float64Array;
  /** Intensity above which a pixel counts as part of the digit (for its bounding box). */
  threshold: number;
}

// The faintest ink that counts, relative to the strongest stroke: small, so the faint
// anti-aliased rim of a stroke still belongs to the digit.
const INK_EPSILON = 0.02;
// A background surface varying less than this over the picture is treated as flat.
const FLAT = 0.02;
// Ink must stand this many noise deviations above the paper.
const NOISE_SIGMAS = 4;
// A component of ink lighter than this fraction of the heaviest one is noise.
const MIN_COMPONENT_MASS = 0.05;
// A row or column with ink in all but this fraction of its pixels is a ruled line.
const LINE_PERCENTILE = 0.1;
// Paper brighter than ink can be leaves at least this much room for the ink.
const MIN_ROOM = 0.05;
// Pixels this close to the digit keep their (faint) ink: the anti-aliased rim.
const RIM = 2;

/**
 * The ink of a grayscale picture (luminance 0 = black .. 1 = white, either polarity),
 * or undefined when there is none: a blank or uniformly noisy picture.
 */
export function separateInk(gray: Float64Array, width: number, height: number): Ink | undefined {
  const n = width * height;
  // Polarity from the tails: ink is the minority that lies far from the typical level,
  // dark on light paper or bright on a dark background.
  const sorted = Float64Array.from(gray).sort();
  const median = sorted[n >> 1]!;
  const low = sorted[Math.floor(0.002 * (n - 1))]!;
  const high = sorted[Math.ceil(0.998 * (n - 1))]!;
  const invert = median - low > high - median;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = invert ? 1 - gray[i]! : gray[i]!;

  const fit = fitBackground(f, width, height);
  const background = fit.background;
  // Light multiplies: a stroke on dimly lit paper is as dark, relative to that paper, as
  // the same stroke in full light. Ink is measured against the room the paper leaves it.
  const fg = new Float64Array(n);
  let roomSum = 0;
  for (let i = 0; i < n; i++) {
    const room = Math.max(MIN_ROOM, 1 - background[i]!);
    roomSum += room;
    fg[i] = Math.max(0, (f[i]! - background[i]!) / room);
  }
  const sigma = fit.sigma / (roomSum / n);
  removeRuledLines(fg, width, height);

  let peak = 0;
  for (let i = 0; i < n; i++) if (fg[i]! > peak) peak = fg[i]!;
  if (peak <= Math.max(INK_EPSILON, (NOISE_SIGMAS + 2) * sigma)) return undefined;
  const threshold = Math.max(INK_EPSILON * peak, NOISE_SIGMAS * sigma);
  const keep = digitMask(fg, width, height, threshold);

  let keptPeak = 0;
  for (let i = 0; i < n; i++) if (keep[i] && fg[i]! > keptPeak) keptPeak = fg[i]!;
  const ink = new Float64Array(n);
  for (let i = 0; i < n; i++) ink[i] = keep[i] ? fg[i]! / keptPeak : 0;
  return { ink, threshold: threshold / keptPeak };
}

/**
 * The paper's level at every pixel, and the noise around it. A quadratic surface fitted
 * by least squares to the pixels not (yet) taken for ink, refitted a few times as the ink
 * is excluded; a near-flat surface becomes the median paper level, which a clean scan
 * gives exactly.
 */
function fitBackground(f: Float64Array, width: number, height: number): { background: Float64Array; sigma: number } {
  // A subsample is plenty for six coefficients.
  const step = Math.max(1, Math.ceil(Math.sqrt((width * height) / 8000)));
  const xs: number[] = [];
  const ys: number[] = [];
  const vs: number[] = [];
  const blocks: number[] = [];
  // The first guess at paper: the darker part of each of 8×8 blocks (ink is the bright
  // minority), so that a digit in the middle cannot bend the first fit towards itself.
  const blockW = width / 8;
  const blockH = height / 8;
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      xs.push(x / width - 0.5);
      ys.push(y / height - 0.5);
      vs.push(f[y * width + x]!);
      blocks.push(Math.min(7, Math.floor(y / blockH)) * 8 + Math.min(7, Math.floor(x / blockW)));
    }
  }
  const m = vs.length;
  const byBlock: number[][] = Array.from({ length: 64 }, () => []);
  for (let i = 0; i < m; i++) byBlock[blocks[i]!]!.push(vs[i]!);
  const blockLevel = byBlock.map((values) => percentile(values, 0.3));
  const isPaper = new Uint8Array(m);
  for (let i = 0; i < m; i++) isPaper[i] = vs[i]! <= blockLevel[blocks[i]!]! ? 1 : 0;
  let coefficients = [median(vs), 0, 0, 0, 0, 0];
  let sigma = 0;
  for (let round = 0; round < 5; round++) {
    const fitted = fitQuadratic(xs, ys, vs, isPaper);
    if (fitted) coefficients = fitted;
    const residuals: number[] = [];
    const all = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      all[i] = vs[i]! - quadratic(coefficients, xs[i]!, ys[i]!);
      if (isPaper[i]) residuals.push(all[i]!);
    }
    const centre = median(residuals);
    sigma = 1.4826 * median(residuals.map((r) => Math.abs(r - centre)));
    const cut = centre + Math.max(NOISE_SIGMAS * sigma, INK_EPSILON);
    for (let i = 0; i < m; i++) isPaper[i] = all[i]! <= cut ? 1 : 0;
  }

  const background = new Float64Array(width * height);
  let lo = Infinity;
  let hi = -Infinity;
  for (const [x, y] of [[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5], [0.5, 0], [0, 0.5], [1, 0.5], [0.5, 1]] as const) {
    const v = quadratic(coefficients, x - 0.5, y - 0.5);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi - lo < FLAT) {
    background.fill(median(vs.filter((_, i) => isPaper[i])));
    return { background, sigma };
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) background[y * width + x] = quadratic(coefficients, x / width - 0.5, y / height - 0.5);
  }
  return { background, sigma };
}

function quadratic(c: readonly number[], x: number, y: number): number {
  return c[0]! + c[1]! * x + c[2]! * y + c[3]! * x * x + c[4]! * x * y + c[5]! * y * y;
}

/** Least-squares coefficients of quadratic() over the selected points, or undefined. */
function fitQuadratic(xs: number[], ys: number[], vs: number[], use: Uint8Array): number[] | undefined {
  const a = Array.from({ length: 6 }, () => new Array<number>(7).fill(0));
  const terms = new Float64Array(6).fill(1);
  let count = 0;
  for (let i = 0; i < vs.length; i++) {
    if (!use[i]) continue;
    count++;
    const x = xs[i]!;
    const y = ys[i]!;
    terms[1] = x;
    terms[2] = y;
    terms[3] = x * x;
    terms[4] = x * y;
    terms[5] = y * y;
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 6; c++) a[r]![c]! += terms[r]! * terms[c]!;
      a[r]![6]! += terms[r]! * vs[i]!;
    }
  }
  if (count < 12) return undefined;
  // Gaussian elimination with partial pivoting on the 6×6 normal equations.
  for (let col = 0; col < 6; col++) {
    let pivot = col;
    for (let r = col + 1; r < 6; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) return undefined;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < 6; r++) {
      if (r === col) continue;
      const k = a[r]![col]! / a[col]![col]!;
      for (let c = col; c < 7; c++) a[r]![c]! -= k * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[6]! / row[i]!);
}

/**
 * Ruled lines (and the edges of grid paper) run across the whole picture, which a digit
 * does not: lift every row and column by its low percentile of ink, which is zero for
 * any line of pixels that is mostly paper.
 */
function removeRuledLines(fg: Float64Array, width: number, height: number): void {
  const lift = (get: (i: number) => number, set: (i: number, v: number) => void, length: number) => {
    const values = new Float64Array(length);
    for (let i = 0; i < length; i++) values[i] = get(i);
    values.sort();
    const level = values[Math.floor(LINE_PERCENTILE * (length - 1))]!;
    if (level > 0) for (let i = 0; i < length; i++) set(i, Math.max(0, get(i) - level));
  };
  for (let y = 0; y < height; y++) lift((x) => fg[y * width + x]!, (x, v) => { fg[y * width + x] = v; }, width);
  for (let x = 0; x < width; x++) lift((y) => fg[y * width + x]!, (y, v) => { fg[y * width + x] = v; }, height);
}

/**
 * The pixels that belong to the digit: 8-connected components above the threshold whose
 * ink is not negligible next to the heaviest component, widened by the rim.
 */
function digitMask(fg: Float64Array, width: number, height: number, threshold: number): Uint8Array {
  const n = width * height;
  const label = new Int32Array(n).fill(-1);
  const masses: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < n; start++) {
    if (label[start] !== -1 || fg[start]! <= threshold) continue;
    const id = masses.length;
    let mass = 0;
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      mass += fg[p]!;
      const px = p % width;
      const py = (p - px) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const y = py + dy;
        if (y < 0 || y >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = px + dx;
          if (x < 0 || x >= width) continue;
          const q = y * width + x;
          if (label[q] === -1 && fg[q]! > threshold) {
            label[q] = id;
            stack.push(q);
          }
        }
      }
    }
    masses.push(mass);
  }
  let heaviest = 0;
  for (const m of masses) if (m > heaviest) heaviest = m;
  const kept = masses.map((m) => m >= MIN_COMPONENT_MASS * heaviest);
  const core = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (label[i]! >= 0 && kept[label[i]!]) core[i] = 1;
  // Widen by RIM pixels (a square neighbourhood), separably.
  const across = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let d = -RIM; d <= RIM; d++) {
        const xx = x + d;
        if (xx >= 0 && xx < width && core[y * width + xx]) { across[y * width + x] = 1; break; }
      }
    }
  }
  const keep = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let d = -RIM; d <= RIM; d++) {
        const yy = y + d;
        if (yy >= 0 && yy < height && across[yy * width + x]) { keep[y * width + x] = 1; break; }
      }
    }
  }
  return keep;
}

function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function median(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
