import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { busyCores } from '../../../src/platform/node/wasm_host.js';

/** Looks at the machine's runnable tasks (`all`) and this process's (`own`), one after another. */
function looks(...seen: [all: number, own: number][]): () => { all: number; own: number } {
  let i = 0;
  return () => {
    const [all, own] = seen[Math.min(i++, seen.length - 1)]!;
    return { all, own };
  };
}

describe('busyCores: the cores other work keeps busy', () => {
  it("counts the runnable tasks that are not this process's", () => {
    assert.equal(busyCores(looks([1, 1])), 0); // a quiet machine
    assert.equal(busyCores(looks([3, 3])), 0); // this process starting: V8's helper threads run too
    assert.equal(busyCores(looks([2, 1])), 1); // stress-ng --cpu 1 beside
    assert.equal(busyCores(looks([5, 1])), 4);
  });

  it('takes the fewest of its looks, so an instant of other work costs no thread', () => {
    assert.equal(busyCores(looks([3, 1], [4, 1], [1, 1], [3, 1], [3, 1])), 0);
    assert.equal(busyCores(looks([3, 1], [2, 1], [3, 1], [3, 1], [3, 1])), 1);
  });

  it('says none where it cannot tell (not Linux)', () => {
    assert.equal(busyCores(() => undefined), 0);
  });
});
