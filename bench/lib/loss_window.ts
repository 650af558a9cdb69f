// One batch's loss swings by ±0.1 from step to step, so implementations that draw their own
// weights and batches are compared by the mean over their last steps instead. The Python
// runs (numpy_simple_convnet.py, torch_simple_convnet.py) use the same window.

export const LOSS_WINDOW = 50;

export interface LossSummary {
  firstLoss: number;
  finalLoss: number;
  /** Mean of the last LOSS_WINDOW steps' losses (all of them if there are fewer). */
  meanLastLoss: number;
}

export function lossSummary(losses: Float64Array): LossSummary {
  const tail = losses.subarray(Math.max(0, losses.length - LOSS_WINDOW));
  let sum = 0;
  for (const loss of tail) sum += loss;
  return { firstLoss: losses[0]!, finalLoss: losses[losses.length - 1]!, meanLastLoss: sum / tail.length };
}
