// A host-side allocator over the module's shared linear memory: a bump pointer plus one
// free list per size class. Size classes are coarse (at most 1/8 waste above 1 KiB), so a
// training loop that allocates the same shapes every step reuses the same blocks, and any
// alloc/free pattern settles into a bounded set of classes instead of growing memory.

const ALIGN = 16; // v128 loads and stores are happiest on 16-byte boundaries
const PAGE = 65536;

export interface Block {
  readonly ptr: number;
  readonly bytes: number;
}

/** Rounds a request up to its size class (a multiple of 16). */
export function sizeClass(bytes: number): number {
  if (bytes <= 1024) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

export class Allocator {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Bytes handed out and not yet given back, for tests and diagnostics. */
  liveBytes = 0;

  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
    private readonly maxPages: number,
  ) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }

  /** The end of the highest block ever handed out: the memory actually in use. */
  get highWater(): number {
    return this.top;
  }

  allocate(bytes: number): Block {
    const size = sizeClass(bytes);
    const reused = this.freeLists.get(size)?.pop();
    if (reused !== undefined) {
      this.liveBytes += size;
      return { ptr: reused, bytes: size };
    }
    const ptr = this.top;
    this.ensure(ptr + size); // throws before anything is counted
    this.top = ptr + size;
    this.liveBytes += size;
    return { ptr, bytes: size };
  }

  release(block: Block): void {
    this.liveBytes -= block.bytes;
    if (block.ptr + block.bytes === this.top) {
      this.top = block.ptr; // the last block goes back to the bump region
      return;
    }
    let list = this.freeLists.get(block.bytes);
    if (!list) this.freeLists.set(block.bytes, (list = []));
    list.push(block.ptr);
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const havePages = have / PAGE;
    const needPages = Math.ceil(end / PAGE) - havePages;
    if (havePages + needPages > this.maxPages) {
      throw new RangeError(`nabla wasm backend: out of memory (${end} bytes requested, at most ${this.maxPages * PAGE})`);
    }
    // Grow by at least a quarter so a run of small allocations doesn't grow page by page.
    const extra = Math.min(this.maxPages - havePages, Math.max(needPages, Math.ceil(havePages / 4)));
    this.memory.grow(extra);
  }
}
