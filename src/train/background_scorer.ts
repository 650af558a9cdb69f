import type { TrainableNetwork } from '../nets/network.js';

/** A network's accuracy on the training and the test images of an evaluation. */
export interface Accuracies {
  trainAcc: number;
  testAcc: number;
}

/**
 * Scores evaluations somewhere other than the training thread (a worker thread with its
 * own copy of the images), so training goes on while they run: the evaluations were 30%
 * of the seed's float64 run. The accuracies must be the ones scoring on the training
 * thread would give, to the bit, so that a run's history does not depend on where it was
 * scored.
 */
export interface BackgroundScorer {
  /**
   * Copies the network's weights before it returns (training changes them right after),
   * then scores that copy on the evaluation's images. Promises settle in call order.
   */
  score(network: TrainableNetwork): Promise<Accuracies>;
}
