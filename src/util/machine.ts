// The machine's memory, for refusing impossible sizes up front (util/memory.ts). Node's
// entry registers os.totalmem(); elsewhere a browser's navigator.deviceMemory (a rounded
// lower bound, in GiB) is the best there is, and without it nothing is refused early.

let totalMemory: () => number = () => {
  const gib = (globalThis as { navigator?: { deviceMemory?: number } }).navigator?.deviceMemory;
  return typeof gib === 'number' && gib > 0 ? gib * 2 ** 30 : Number.POSITIVE_INFINITY;
};

export function totalMemoryBytes(): number {
  return totalMemory();
}

/** Called by a platform entry that knows better (Node: os.totalmem). */
export function setTotalMemory(read: () => number): void {
  totalMemory = read;
}
