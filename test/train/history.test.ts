// The history journal: a checkpoint appends only what is new since the previous one, so its
// cost does not grow with the run's length.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HISTORY_LOG, readHistory, RunHistory } from '../../src/train/history.js';
import type { EpochResult } from '../../src/train/train.js';

const epoch = (i: number): EpochResult => ({ epoch: i, iteration: i * 600 + 1, trainAcc: 0.5, testAcc: 0.5, loss: 1, seconds: i });

describe('RunHistory', () => {
  it('appends only the losses and evaluations since the last save, leaving what is written untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-history-'));
    const history = new RunHistory(dir);
    const losses: number[] = [];
    const epochs: EpochResult[] = [];
    const appended: number[] = [];
    let before = Buffer.alloc(0);
    let bytes = 0;
    for (let save = 1; save <= 20; save++) {
      for (let i = 0; i < 600; i++) losses.push(2 / (losses.length + 1)); // same-length text per save
      epochs.push(epoch(save - 1));
      const valid = await history.append(losses, epochs, `checkpoint-${save * 600}.safetensors`);
      const file = readFileSync(join(dir, HISTORY_LOG));
      assert.equal(valid, file.length);
      assert.ok(file.subarray(0, before.length).equals(before), `save ${save} rewrote what earlier saves wrote`);
      appended.push(valid - bytes);
      bytes = valid;
      before = file;
    }
    // The 20th save writes about what the 2nd did, not 20 times as much.
    assert.ok(appended[19]! < 1.2 * appended[1]!, `save sizes ${appended[1]} then ${appended[19]}`);
    const read = await readHistory(dir, bytes);
    assert.deepEqual(read.losses, losses);
    assert.equal(read.epochs.length, 20);
    assert.equal(statSync(join(dir, HISTORY_LOG)).size, bytes);
  });

  it('refuses a history shorter than what is saved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-history-'));
    const history = new RunHistory(dir);
    await history.append([1, 2, 3], [epoch(0)], 'checkpoint-3.safetensors');
    await assert.rejects(history.append([1, 2], [epoch(0)], 'checkpoint-2.safetensors'), /the history is shorter than what is saved/);
  });
});
