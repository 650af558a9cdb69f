import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  EPOCH_COLUMNS,
  ProgressReporter,
  epochRow,
  formatDuration,
  formatProgressBar,
  formatTableHeader,
  formatTableRow,
  type ProgressState,
} from '../../src/cli/progress.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

const state = (over: Partial<ProgressState> = {}): ProgressState => ({
  iteration: 1234, totalIterations: 10000, epoch: 3, totalEpochs: 17,
  loss: 0.23451, itersPerSecond: 812.4, secondsLeft: 11.2, ...over,
});

class FakeStream {
  chunks: string[] = [];
  constructor(readonly isTTY: boolean, readonly columns = 100) {}
  write(s: string): boolean { this.chunks.push(s); return true; }
  get text(): string { return this.chunks.join(''); }
}

describe('formatProgressBar', () => {
  it('formats one line with bar, count, loss, speed and ETA', () => {
    const line = formatProgressBar({ ...state(), width: 80 });
    assert.match(line, /^epoch  3\/17 █+░+  1234\/10000  loss 0\.2345  812 it\/s  ETA 0:11$/);
    assert.ok(line.length <= 80, `${line.length} columns`);
    assert.doesNotMatch(line, CONTROL);
    const bar = /[█░]+/.exec(line)![0];
    assert.equal([...bar].filter((c) => c === '█').length, Math.floor(0.1234 * bar.length));
  });

  it('fills in proportion and caps the bar width', () => {
    const half = formatProgressBar({ ...state({ iteration: 5000 }), width: 200 });
    const bar = /[█░]+/.exec(half)![0];
    assert.equal(bar.length, 40);
    assert.equal(bar, '█'.repeat(20) + '░'.repeat(20));
    const full = formatProgressBar({ ...state({ iteration: 12000 }), width: 100 });
    assert.match(full, /█ 10000\/10000/);
    assert.doesNotMatch(full, /░/);
  });

  it('drops the bar, then truncates, on narrow terminals', () => {
    const narrow = formatProgressBar({ ...state(), width: 50 });
    assert.doesNotMatch(narrow, /[█░]/);
    assert.ok(narrow.length <= 50);
    assert.ok(narrow.startsWith('epoch  3/17  1234/10000  loss'));
    assert.equal(formatProgressBar({ ...state(), width: 20 }).length, 20);
  });

  it('shows unknowns without NaN garbage', () => {
    const line = formatProgressBar({ ...state({ loss: NaN, itersPerSecond: NaN, secondsLeft: Infinity, iteration: 0 }), width: 90 });
    assert.match(line, /loss NaN {2}- it\/s {2}ETA --:--$/);
    assert.match(formatProgressBar({ ...state({ itersPerSecond: 7.25, loss: 12345 }), width: 90 }), /loss 1\.23e\+4 {2}7\.3 it\/s/);
  });
});

describe('formatDuration', () => {
  it('formats m:ss and h:mm:ss', () => {
    assert.equal(formatDuration(0), '0:00');
    assert.equal(formatDuration(7.4), '0:07');
    assert.equal(formatDuration(59.6), '1:00');
    assert.equal(formatDuration(725), '12:05');
    assert.equal(formatDuration(3723), '1:02:03');
    assert.equal(formatDuration(NaN), '--:--');
    assert.equal(formatDuration(-1), '--:--');
    assert.equal(formatDuration(Infinity), '--:--');
  });
});

describe('ProgressReporter', () => {
  it('writes no control characters and no bar when disabled or not a TTY', () => {
    for (const [enabled, tty] of [[false, true], [true, false], [false, false]] as const) {
      const stream = new FakeStream(tty);
      const reporter = new ProgressReporter({ stream, enabled, now: () => 0 });
      assert.equal(reporter.barEnabled, false);
      for (let i = 0; i <= 10000; i += 500) reporter.update(state({ iteration: i }));
      reporter.log('epoch 1 done');
      reporter.update(state({ iteration: 10000 }));
      reporter.log('epoch 2 done');
      reporter.done();
      assert.equal(stream.text, 'epoch 1 done\nepoch 2 done\n');
      assert.doesNotMatch(stream.text.replace(/\n/g, ''), CONTROL);
    }
  });

  it('throttles redraws to the interval but always draws the last iteration', () => {
    let clock = 0;
    const stream = new FakeStream(true);
    const reporter = new ProgressReporter({ stream, enabled: true, now: () => clock });
    const draws = () => stream.chunks.length;
    reporter.update(state({ iteration: 1 }));
    assert.equal(draws(), 1);
    clock = 50; reporter.update(state({ iteration: 2 }));
    clock = 99; reporter.update(state({ iteration: 3 }));
    assert.equal(draws(), 1);
    clock = 100; reporter.update(state({ iteration: 4 }));
    assert.equal(draws(), 2);
    clock = 110; reporter.update(state({ iteration: 10000 }));
    assert.equal(draws(), 3);
    assert.match(stream.chunks[2]!, /10000\/10000/);
    // 10 000 updates over 2 s of simulated time: about 20 redraws, not 10 000.
    const busy = new FakeStream(true);
    let t = 0;
    const r = new ProgressReporter({ stream: busy, enabled: true, now: () => t });
    for (let i = 1; i <= 10000; i++) { t = i * 0.2; r.update(state({ iteration: i, loss: i })); }
    assert.ok(busy.chunks.length >= 20 && busy.chunks.length <= 22, `${busy.chunks.length} redraws`);
  });

  it('redraws in place, keeps the bar under log lines, and clears it when done', () => {
    const stream = new FakeStream(true, 81);
    const reporter = new ProgressReporter({ stream, enabled: true, now: () => 0 });
    reporter.update(state());
    const bar = formatProgressBar({ ...state(), width: 80 });
    assert.deepEqual(stream.chunks, ['\r\x1b[2K' + bar]);
    reporter.log('epoch 1  loss 0.3');
    assert.equal(stream.chunks[1], '\r\x1b[2Kepoch 1  loss 0.3\n' + bar);
    reporter.done();
    assert.equal(stream.chunks[2], '\r\x1b[2K');
    reporter.log('finished');
    assert.equal(stream.chunks[3], 'finished\n');
    for (const c of stream.chunks) assert.ok(c.split('\n').every((l) => l.replace(/^\r\x1b\[2K/, '').length <= 80));
  });
});

describe('tables', () => {
  it('prints rows one at a time in fixed columns', () => {
    const header = formatTableHeader(EPOCH_COLUMNS);
    const rows = [
      formatTableRow(EPOCH_COLUMNS, epochRow({ epoch: 1, totalEpochs: 17, loss: 0.41234, trainAcc: 0.9012, testAcc: 0.9051, seconds: 3.21 })),
      formatTableRow(EPOCH_COLUMNS, epochRow({ epoch: 17, totalEpochs: 17, loss: 0.05, trainAcc: 0.98765, testAcc: 0.97, seconds: 75 })),
    ];
    const lines = [...header.split('\n'), ...rows];
    assert.equal(new Set(lines.map((l) => l.length)).size, 1, lines.join('\n'));
    assert.equal(lines[0], '  epoch      loss  train acc  test acc      time');
    assert.equal(rows[0], '   1/17    0.4123     0.9012    0.9051      3.2s');
    assert.equal(rows[1], '  17/17    0.0500     0.9877    0.9700      1:15');
    assert.throws(() => formatTableRow(EPOCH_COLUMNS, [1, 2]), /2 cells for 5 columns/);
    assert.doesNotMatch(lines.join(''), CONTROL);
  });
});
