/**
 * GUP / FOLL_PIN conformance (gup reference, all sections): every scenario in
 * test/scenarios/conformance/gup/*.vlab (one file per section and era, NAME@ERA[-32].vlab, every
 * check an `expect` citing its section) runs with the mm invariant checker after every step:
 * no diagnostics, no exception, no failed expect, no invariant violation. Plus the §2.2 flag
 * value table, which no scenario can read.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runWithInvariants } from '../mm/scenarios.test';
import { FOLL_FLAGS, FOLL_FLAGS_REMOVED, follInternal, follExists } from '../../../model/linux/mm/foll';
import { kernelFeatures, parseKernelVersion } from '../../../model/kernel/version';

const DIR = path.resolve(__dirname, '../../../../test/scenarios/conformance/gup');
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.vlab')).sort() : [];

describe('gup conformance scenarios (test/scenarios/conformance/gup, invariants after every step)', () => {
  it('has one file per section and era', () => {
    assert.ok(files.length >= 40, `only ${files.length}`);
    for (const f of files) assert.match(f, /^s\d+(-\d+)?-[a-z0-9-]+@\d+\.\d+(-32)?\.vlab$/, f);
  });
  for (const f of files) {
    it(f, () => {
      const text = fs.readFileSync(path.join(DIR, f), 'utf8');
      const era = /@(\d+\.\d+)/.exec(f)![1];
      assert.match(text, new RegExp(`^kernel ${era.replace('.', '\\.')}$`, 'm'), 'kernel line matches the file name');
      const r = runWithInvariants(text, f);
      assert.deepEqual(r.diagnostics, []);
      assert.deepEqual(r.runner.m.history.filter((h) => h.event.kind === 'exception').map((h) => JSON.stringify(h.event)), []);
      assert.deepEqual(r.runner.expects.filter((e) => !e.ok), []);
      assert.deepEqual(r.violations, []);
      assert.ok(r.runner.expects.length >= 3, 'at least three checks');
      // every expect line cites its section
      for (const line of text.split('\n')) if (/^\s*expect\b/.test(line)) assert.match(line, /#.*gup §\d/, `${f}: uncited expect: ${line}`);
    });
  }
});

describe('gup §2.2 FOLL_* values (E1–E3 #define and E5 BTF columns, internal in E4+)', () => {
  // [name, E1–E3 value | undefined, E5 value, internal E4+]
  const TABLE: [string, number | undefined, number, boolean][] = [
    ['FOLL_WRITE', 0x01, 1, false], ['FOLL_TOUCH', 0x02, 65536, true], ['FOLL_GET', 0x04, 2, false],
    ['FOLL_DUMP', 0x08, 4, false], ['FOLL_FORCE', 0x10, 8, false], ['FOLL_NOWAIT', 0x20, 16, false],
    ['FOLL_NOFAULT', 0x80, 32, false], ['FOLL_HWPOISON', 0x100, 64, false], ['FOLL_REMOTE', 0x2000, 262144, true],
    ['FOLL_ANON', 0x8000, 128, false], ['FOLL_LONGTERM', 0x10000, 256, false], ['FOLL_SPLIT_PMD', 0x20000, 512, false],
    ['FOLL_PIN', 0x40000, 524288, true], ['FOLL_FAST_ONLY', 0x80000, 1048576, true], ['FOLL_PCI_P2PDMA', undefined, 1024, false],
    ['FOLL_INTERRUPTIBLE', undefined, 2048, false], ['FOLL_HONOR_NUMA_FAULT', undefined, 4096, false], ['FOLL_TRIED', 0x800, 131072, true],
    ['FOLL_UNLOCKABLE', undefined, 2097152, true], ['FOLL_MADV_POPULATE', undefined, 4194304, true],
  ];
  const v = (s: string) => kernelFeatures(parseKernelVersion(s)!).version;
  it('every row of the table', () => {
    assert.deepEqual(Object.keys(FOLL_FLAGS).sort(), TABLE.map((t) => t[0]).sort());
    for (const [n, old, e5, internal] of TABLE) {
      assert.equal(FOLL_FLAGS[n].old, old, `${n} E1–E3`);
      assert.equal(FOLL_FLAGS[n].e5, e5, `${n} E5`);
      assert.equal(follInternal(n, v('6.18')), internal, `${n} internal E4+`);
      assert.equal(follInternal(n, v('6.2')), false, `${n} nothing internal before 6.3`);
    }
  });
  it('E1/E2-only flags and introductions', () => {
    assert.deepEqual(Object.fromEntries(Object.entries(FOLL_FLAGS_REMOVED).map(([k, x]) => [k, x.old])),
      { FOLL_POPULATE: 0x40, FOLL_SPLIT: 0x80, FOLL_NUMA: 0x200, FOLL_MIGRATION: 0x400, FOLL_MLOCK: 0x1000, FOLL_COW: 0x4000 });
    assert.equal(follExists('FOLL_NOFAULT', v('5.15')), false);
    assert.equal(follExists('FOLL_NOFAULT', v('5.16')), true);
    assert.equal(follExists('FOLL_FAST_ONLY', v('5.7')), false);
    assert.equal(follExists('FOLL_FAST_ONLY', v('5.8')), true);
    assert.equal(follExists('FOLL_PCI_P2PDMA', v('6.1')), false);
    assert.equal(follExists('FOLL_PCI_P2PDMA', v('6.2')), true);
    assert.equal(follExists('FOLL_INTERRUPTIBLE', v('6.2')), true);
    assert.equal(follExists('FOLL_PIN', v('5.6')), true);
  });
});

describe('gup §8.2 selftest output lines by era', () => {
  const lines = (era: string, cmd: string) => {
    const r = runWithInvariants(`kernel ${era}\n${cmd}\nexpect ret == 0  # gup §8.2\n`, `gup-test-${era}.vlab`);
    assert.deepEqual(r.runner.expects.filter((e) => !e.ok), []);
    assert.deepEqual(r.violations, []);
    return r.runner.m.history.flatMap((h) => (h.event.kind === 'log' && /^\.\/gup_(test|benchmark)$/.test(h.event.source) ? [`${h.event.source}|${h.event.text}`] : []));
  };
  it('5.7 gup_benchmark: "Time: get:<usec> put:<usec> us"', () => {
    for (const era of ['5.7', '5.10']) {
      const out = lines(era, 'gup_test -m 1 -a -n 512 -r 2');
      assert.equal(out.length, 2, out.join('\n'));
      for (const l of out) assert.match(l, /^\.\/gup_benchmark\|Time: get:\d+ put:\d+ us$/);
    }
  });
  it('5.11+ gup_test: command name prefix, "<NAME>: done" for non-benchmarks', () => {
    for (const era of ['5.11', '6.3', '6.18']) {
      assert.match(lines(era, 'gup_test -m 1 -a -n 512').join('\n'), /^\.\/gup_test\|PIN_FAST_BENCHMARK: Time: get:\d+ put:\d+ us$/);
      assert.match(lines(era, 'gup_test -m 1 -u').join('\n'), /^\.\/gup_test\|GUP_FAST_BENCHMARK: Time: get:\d+ put:\d+ us$/);
      assert.match(lines(era, 'gup_test -m 1 -L').join('\n'), /^\.\/gup_test\|PIN_LONGTERM_BENCHMARK: Time: get:\d+ put:\d+ us$/);
      assert.match(lines(era, 'gup_test -m 1 -b').join('\n'), /^\.\/gup_test\|PIN_BASIC_TEST: done$/);
      assert.match(lines(era, 'gup_test -m 1 -U').join('\n'), /^\.\/gup_test\|GUP_BASIC_TEST: done$/);
      assert.match(lines(era, 'gup_test -ct -F 0x1 0 19 0x1000').join('\n'), /^\.\/gup_test\|DUMP_USER_PAGES_TEST: done$/);
    }
  });
});
