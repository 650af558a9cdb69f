import type { TrainableNetwork } from '../nets/network.js';
import { countNonFinite } from '../tensor/finite.js';

/** A parameter holding NaN or ±Infinity: how many, and the first as a flat index. */
export interface NonFinite {
  name: string;
  count: number;
  first: number;
  value: number;
}

/** The network's parameters that hold non-finite values, in the network's order (W1 b1 W2 b2 …). */
export function findNonFinite(network: Pick<TrainableNetwork, 'params'>): NonFinite[] {
  const found: NonFinite[] = [];
  for (const name of Object.keys(network.params)) {
    const bad = countNonFinite(network.params[name]!.data);
    if (bad) found.push({ name, ...bad });
  }
  return found;
}

/** "W1 has 39200 non-finite values (the first, element 0, is NaN)", for messages. */
export function describeNonFinite(found: readonly NonFinite[]): string {
  return found.map((f) => `${f.name} has ${f.count} non-finite value${f.count === 1 ? '' : 's'} (the first, element ${f.first}, is ${f.value})`).join(', ');
}
