import * as assert from 'node:assert/strict';
import { Journal } from '../../../model/engine/journal';

describe('engine: journal.spliceOne (issue 12: the vfio-ccw translator\'s page arrays and host CCWs)', () => {
  it('replaces an element or appends at the end, one splice entry each, undone and redone exactly', () => {
    const j = new Journal();
    const arr = ['a', 'b'];
    j.spliceOne(arr, 1, 'B'); // replace
    j.spliceOne(arr, 2, 'c'); // append
    assert.deepEqual(arr, ['a', 'B', 'c']);
    assert.equal(j.length, 2);
    j.undoTo(1);
    assert.deepEqual(arr, ['a', 'B']);
    j.undoTo(0);
    assert.deepEqual(arr, ['a', 'b']);
    j.redoTo(2);
    assert.deepEqual(arr, ['a', 'B', 'c']);
  });

  it('gives the array splice(arr, i, 1 or 0, v) gives, recording or not', () => {
    for (const recording of [true, false]) {
      const j = new Journal();
      j.recording = recording;
      const a = [1, 2, 3];
      const b = [1, 2, 3];
      for (const [i, v] of [[0, 9], [3, 4], [2, 7], [4, 5]] as const) {
        j.spliceOne(a, i, v);
        b.splice(i, i < b.length ? 1 : 0, v);
        assert.deepEqual(a, b);
      }
      assert.equal(j.length, recording ? 4 : 0); // a lean run keeps no entry
    }
  });

  it('an index past the end appends (as splice does) and its undo removes that element', () => {
    const j = new Journal();
    const arr = [1];
    j.spliceOne(arr, 5, 2);
    assert.deepEqual(arr, [1, 2]);
    j.undoTo(0);
    assert.deepEqual(arr, [1]);
  });
});
