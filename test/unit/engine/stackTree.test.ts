/**
 * The tree of model call stacks (engine/stackTree.ts): a child per (name, line), found again as the
 * same node (history records store node ids), with the frames innermost first. A scenario repeats
 * a statement's text on many lines (the scale scenario: `wait interrupt` 300 times), so children
 * of one name are kept by line.
 */
import * as assert from 'node:assert/strict';
import { StackNode } from '../../../model/engine/stackTree';

function root(): StackNode {
  return new StackNode(undefined, '', undefined, []);
}

describe('engine: the call-stack tree', () => {
  it('one node per (name, line), the same node when asked again, in any order', () => {
    const r = root();
    const lines = Array.from({ length: 500 }, (_, i) => i + 1);
    const first = lines.map((l) => r.child('wait interrupt', l));
    assert.equal(new Set(first.map((n) => n.id)).size, 500);
    // asked again, backwards and interleaved with other names: the same nodes
    for (const l of [...lines].reverse()) {
      assert.equal(r.child('wait interrupt', l), first[l - 1]);
      assert.equal(r.child('tsch 0.0.0007', l).name, 'tsch 0.0.0007');
    }
    assert.equal(r.child('tsch 0.0.0007', 7), r.child('tsch 0.0.0007', 7));
    assert.notEqual(r.child('tsch 0.0.0007', 7), first[6]);
    // a frame without a line (a kernel function) is its own child
    const k = r.child('wait interrupt', undefined);
    assert.ok(!first.includes(k));
    assert.equal(r.child('wait interrupt', undefined), k);
    // ids index the registry
    assert.equal(r.registry[first[41].id], first[41]);
  });

  it('frames are the path from the root, innermost first, with the line where there is one', () => {
    const r = root();
    const leaf = r.child('ssch 0.0.0007 cpa=echo', 12).child('ioinst_handle_ssch', undefined).child('css_do_ssch', undefined);
    assert.deepEqual(leaf.frames(), [{ name: 'css_do_ssch' }, { name: 'ioinst_handle_ssch' }, { name: 'ssch 0.0.0007 cpa=echo', line: 12 }]);
    assert.equal(leaf.frames(), leaf.frames()); // made once
    assert.equal(r.child('ssch 0.0.0007 cpa=echo', 12).child('ioinst_handle_ssch', undefined).child('css_do_ssch', undefined), leaf);
  });
});
