// Scoring a classifier against true labels: the confusion matrix and what follows from it.
// Everything here is plain counting on class indices, independent of how they were predicted.

export interface ClassAccuracy {
  class: number;
  /** Test examples whose true label is this class. */
  count: number;
  /** Of those, how many were predicted as this class. */
  correct: number;
  /** correct / count; NaN for a class with no examples (JSON writes it as null). */
  accuracy: number;
}

/**
 * counts[t][p]: how many examples of true class t were predicted as p (rows = true,
 * columns = predicted, as sklearn and most papers print it).
 */
export function confusionMatrix(predicted: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number[][] {
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`confusionMatrix: classes must be a positive integer, got ${classes}`);
  if (predicted.length !== labels.length) {
    throw new RangeError(`confusionMatrix: ${predicted.length} predictions for ${labels.length} labels`);
  }
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predicted[i]!;
    // A label outside 0..classes-1 would silently vanish from every total; refuse it.
    if (!isClass(t, classes)) throw new RangeError(`confusionMatrix: label ${t} at index ${i} is not a class in 0..${classes - 1}`);
    if (!isClass(p, classes)) throw new RangeError(`confusionMatrix: prediction ${p} at index ${i} is not a class in 0..${classes - 1}`);
    counts[t]![p]!++;
  }
  return counts;
}

/** Per true class: its examples, how many were right, and the fraction. */
export function perClassAccuracy(confusion: readonly (readonly number[])[]): ClassAccuracy[] {
  return confusion.map((row, c) => {
    const count = row.reduce((a, b) => a + b, 0);
    const correct = row[c] ?? 0;
    return { class: c, count, correct, accuracy: count > 0 ? correct / count : Number.NaN };
  });
}

/** Overall accuracy: the diagonal over the total; NaN when there is nothing to score. */
export function accuracyOf(confusion: readonly (readonly number[])[]): number {
  let total = 0;
  let correct = 0;
  confusion.forEach((row, t) => {
    for (const n of row) total += n;
    correct += row[t] ?? 0;
  });
  return total > 0 ? correct / total : Number.NaN;
}

function isClass(v: number, classes: number): boolean {
  return Number.isInteger(v) && v >= 0 && v < classes;
}
