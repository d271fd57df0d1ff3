/**
 * The events every statement and I/O instruction emits, recorded without re-encoding (issue 12):
 * `instr` events go to the history as the words `encodeEvent` writes (eventCodec.ts `instrWords`,
 * css/instructions.ts), and a frozen event emitted again (a loop's `stmt` event, runner.ts) is
 * copied from its first encoding (history.ts). Both must read back exactly as the objects emitted;
 * an event that is not frozen is encoded anew, so a change to it between two emits is recorded.
 */
import * as assert from 'node:assert/strict';
import { Machine } from '../../../model/engine/machine';
import type { HistoryRecord, ModelEvent } from '../../../model/engine/events';
import { CCW_CHAIN_ID, CCW_FETCH_ID, ccwChainWords, ccwFetchWords, encodeEvent, INSTR_ID, instrWords, IRQ_PRESENTED_ID, IRQ_QUEUED_ID, KIND_WORDS, numberRowWords, SCH_START_ID, SCH_STATUS_ID, STMT_ID, stmtWords, StringTable } from '../../../model/engine/eventCodec';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';

const INSTRS = [
  { kind: 'instr', name: 'STSCH', sch: 0xffff, cc: 0, detail: '' },
  { kind: 'instr', name: 'STSCH', sch: 0, cc: 3, detail: '' },
  { kind: 'instr', name: 'TPI', sch: 7, cc: 1, detail: 'sid=0x10007 intparm=0xffffffff isc=3' },
  { kind: 'instr', name: 'SSCH', sch: 7, cc: 0, detail: 'cpa=0x1000 fmt=1 lpm=0xff intparm=0x0' },
] as const satisfies readonly ModelEvent[];

function scenario(text: string): Runner {
  return new Runner(parseScenario(text, 't.vlab').scenario);
}

/** A direct encoder writes exactly encodeEvent's words for `e` (and accepts it). */
function sameWordsAsEncodeEvent(id: number, e: ModelEvent, strings: StringTable, write: (words: Int32Array) => boolean, what: string): void {
  const want = new Int32Array(KIND_WORDS[id]);
  assert.ok(encodeEvent(e, id, want, 0, strings));
  const got = new Int32Array(KIND_WORDS[id]);
  assert.ok(write(got));
  assert.deepEqual([...got], [...want], what);
}

describe('engine: statement and instruction events without re-encoding (issue 12)', () => {
  it('instrWords writes the words encodeEvent writes for the same instr event', () => {
    const strings = new StringTable();
    const n = KIND_WORDS[INSTR_ID];
    assert.equal(n, 4);
    for (const e of INSTRS) sameWordsAsEncodeEvent(INSTR_ID, e, strings, (w) => instrWords(w, strings, e.name, e.sch, e.cc, e.detail), e.name);
  });

  it('instrWords refuses a subchannel number or cc that is not a 32-bit integer (the object is kept)', () => {
    const strings = new StringTable();
    const w = new Int32Array(4);
    assert.equal(instrWords(w, strings, 'STSCH', 0.5, 0, ''), false);
    assert.equal(instrWords(w, strings, 'STSCH', 0x1_0000_0000, 0, ''), false);
    assert.equal(instrWords(w, strings, 'STSCH', 1, Number.NaN, ''), false);
  });

  it('ccwFetchWords / ccwChainWords write the words encodeEvent writes for the same CCW events (css §3.4)', () => {
    const strings = new StringTable();
    const fetches = [
      { kind: 'ccw.fetch', sch: 7, addr: 0x1000, cmd: 0x03, flags: 0x40, count: 8, cda: 0x100, ccwLine: 12 },
      { kind: 'ccw.fetch', sch: 0xffff, addr: 0x7ffffff8, cmd: 0x08, flags: 0, count: 0, cda: 0x7fffffff, ccwLine: undefined },
      { kind: 'ccw.fetch', sch: 0, addr: 0xfffffff8, cmd: 0x02, flags: 0x24, count: 0xffff, cda: 0xffffffff, ccwLine: 1 },
    ] as const satisfies readonly ModelEvent[];
    assert.equal(KIND_WORDS[CCW_FETCH_ID], 8);
    for (const e of fetches) sameWordsAsEncodeEvent(CCW_FETCH_ID, e, strings, (w) => ccwFetchWords(w, e.sch, e.addr, e.cmd, e.flags, e.count, e.cda, e.ccwLine), `fetch at ${e.addr}`);
    const chains = [
      { kind: 'ccw.chain', sch: 7, next: 0x1008, how: 'command' },
      { kind: 'ccw.chain', sch: 7, next: 0xfffffff8, how: 'tic' },
      { kind: 'ccw.chain', sch: 0xffff, next: 0x2010, how: 'data' },
    ] as const satisfies readonly ModelEvent[];
    assert.equal(KIND_WORDS[CCW_CHAIN_ID], 3);
    for (const e of chains) sameWordsAsEncodeEvent(CCW_CHAIN_ID, e, strings, (w) => ccwChainWords(w, strings, e.sch, e.next, e.how), e.how);
    // a value outside its row: the object is kept (as encodeEvent refuses it)
    const w = new Int32Array(8);
    assert.equal(ccwFetchWords(w, 7, 0x1_0000_0000, 3, 0, 8, 0, undefined), false);
    assert.equal(ccwFetchWords(w, 7, 0x1000, 3, 0, 8, -1, undefined), false);
    assert.equal(ccwFetchWords(w, 7, 0x1000, 3, 0, 8, 0, 1.5), false);
    assert.equal(ccwChainWords(w, strings, 0.5, 0x1008, 'command'), false);
  });

  it('numberRowWords writes the words encodeEvent writes for sch.start, sch.status, irq.queued, irq.presented (css §5.3, §5.4)', () => {
    const strings = new StringTable();
    const cases: Array<[number, ModelEvent, number[]]> = [
      [SCH_START_ID, { kind: 'sch.start', sch: 7, lpum: 0x80 }, [7, 0x80]],
      [SCH_STATUS_ID, { kind: 'sch.status', sch: 0xffff, stctl: 0x17, dstat: 0x0c, cstat: 0x20, cpa: 0xfffffff8, count: 0xffff, cc: 3 }, [0xffff, 0x17, 0x0c, 0x20, 0xfffffff8, 0xffff, 3]],
      [IRQ_QUEUED_ID, { kind: 'irq.queued', sch: 7, isc: 3 }, [7, 3]],
      [IRQ_PRESENTED_ID, { kind: 'irq.presented', sch: 7, isc: 3, intparm: 0xffffffff }, [7, 3, 0xffffffff]],
    ];
    for (const [id, e, values] of cases) sameWordsAsEncodeEvent(id, e, strings, (w) => numberRowWords(id, w, values[0], values[1], values[2], values[3], values[4], values[5], values[6]), e.kind);
    const w = new Int32Array(8);
    assert.equal(numberRowWords(IRQ_PRESENTED_ID, w, 7, 3, 0x1_0000_0000), false); // intparm is 32 bits
    assert.equal(numberRowWords(IRQ_QUEUED_ID, w, 7, 0.5), false);
    assert.equal(numberRowWords(SCH_STATUS_ID, w, 7, 0x17, 0, 0, -8, 0, 0), false); // cpa unsigned
    assert.equal(numberRowWords(CCW_CHAIN_ID, w, 7, 0x1008), false); // a row with a string field
  });

  it('a journaled channel program records its CCW events as words that read back as the events (css §3.4)', () => {
    const r = scenario(['chpid 40', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled', 'program p at 0x1000', '  NOP CC', '  NOP', 'end', 'ssch 0.0.0007 cpa=p', 'wait interrupt'].join('\n'));
    const heard: ModelEvent[] = [];
    r.m.onEvent((x) => heard.push(x.event), ['ccw.fetch', 'ccw.chain']);
    r.runToEnd();
    const ccw = r.m.history.map((x) => x.event).filter((e) => e.kind === 'ccw.fetch' || e.kind === 'ccw.chain');
    assert.deepEqual(ccw, [
      { kind: 'ccw.fetch', sch: 7, addr: 0x1000, cmd: 0x03, flags: 0x40, count: 0, cda: 0, ccwLine: 4 },
      { kind: 'ccw.chain', sch: 7, next: 0x1008, how: 'command' },
      { kind: 'ccw.fetch', sch: 7, addr: 0x1008, cmd: 0x03, flags: 0, count: 0, cda: 0, ccwLine: 5 },
    ]);
    assert.deepEqual(heard, ccw); // a journaled run's listener gets the decoded words
  });

  it('a journaled SSCH/TPI/TSCH cycle records start, status and interruption events as words that read back exactly (css §5.3, §5.4)', () => {
    const r = scenario(['chpid 40', 'device 0.0.1234 schid 0.0.0007 type echo chpids 40 isc 3 enabled', 'program p at 0x1000', '  NOP', 'end', 'ssch 0.0.0007 cpa=p intparm=0xcafe', 'wait interrupt', 'tpi', 'tsch 0.0.0007'].join('\n'));
    const heard: ModelEvent[] = [];
    const kinds = ['sch.start', 'sch.status', 'irq.queued', 'irq.presented'] as const;
    r.m.onEvent((x) => heard.push(x.event), [...kinds]);
    r.runToEnd();
    const got = r.m.history.map((x) => x.event).filter((e) => (kinds as readonly string[]).includes(e.kind));
    assert.deepEqual(got, [
      { kind: 'sch.start', sch: 7, lpum: 0x80 },
      // css §5.3: the NOP ends with CE+DE, STCTL primary+secondary+pending (0x07), CPA = CCW + 8
      { kind: 'sch.status', sch: 7, stctl: 0x07, dstat: 0x0c, cstat: 0, cpa: 0x1008, count: 0, cc: 0 },
      { kind: 'irq.queued', sch: 7, isc: 3 },
      { kind: 'irq.presented', sch: 7, isc: 3, intparm: 0xcafe },
    ]);
    assert.deepEqual(heard, got);
  });

  it('a frozen event emitted again reads back as emitted each time, across drops and truncation', () => {
    const m = new Machine();
    const stmt = Object.freeze({ kind: 'stmt', line: 4, text: 'stsch 0.0.ffff' } as const);
    const other = Object.freeze({ kind: 'stmt', line: 5, text: 'tpi' } as const);
    const seq: ModelEvent[] = [];
    for (let i = 0; i < 20; i++) {
      const e = i % 5 === 4 ? other : stmt;
      m.emit(e, 'statement');
      m.emit(INSTRS[i % 2], 'instruction');
      seq.push(e, INSTRS[i % 2]);
    }
    assert.deepEqual(m.history.map((r) => r.event), seq);
    m.dropOldestHistory(7);
    assert.deepEqual(m.history.map((r) => r.event), seq.slice(7));
    m.truncateHistory(10);
    m.emit(stmt, 'statement');
    assert.deepEqual(m.history.map((r) => r.event), [...seq.slice(7, 17), stmt]);
  });

  it('an event that is not frozen is encoded anew: a change between two emits of the same object is recorded', () => {
    const m = new Machine();
    const e = { kind: 'stmt' as const, line: 1, text: 'a' };
    m.emit(e, 'statement');
    m.emit(e, 'statement');
    e.line = 2;
    e.text = 'b';
    m.emit(e, 'statement');
    assert.deepEqual(m.history.map((r) => r.event), [
      { kind: 'stmt', line: 1, text: 'a' },
      { kind: 'stmt', line: 1, text: 'a' },
      { kind: 'stmt', line: 2, text: 'b' },
    ]);
  });

  it('a journaled STSCH loop records a stmt and an instr event per iteration, read back exactly, and a listener gets the same (css §5.2 STSCH cc 0 on a defined subchannel, cc 3 past the last)', () => {
    const r = scenario(['chpid 40', 'device 0.0.1000 schid 0.0.0001 type echo chpids 40', 'repeat 3', '  stsch 0.0.0001', '  stsch 0.0.0005', 'end'].join('\n'));
    const heard: HistoryRecord[] = [];
    r.m.onEvent((x) => heard.push(x), ['instr']);
    r.runToEnd();
    const instrs = r.m.history.filter((x) => x.event.kind === 'instr').map((x) => x.event);
    const one = { kind: 'instr', name: 'STSCH', sch: 1, cc: 0, detail: '' };
    const five = { kind: 'instr', name: 'STSCH', sch: 5, cc: 3, detail: '' };
    assert.deepEqual(instrs, [one, five, one, five, one, five]);
    assert.deepEqual(heard.map((x) => x.event), instrs);
    assert.deepEqual(heard.map((x) => x.seq), r.m.history.filter((x) => x.event.kind === 'instr').map((x) => x.seq));
    const stmts = r.m.history.filter((x) => x.event.kind === 'stmt').map((x) => x.event);
    assert.deepEqual(stmts.slice(-2), [{ kind: 'stmt', line: 4, text: 'stsch 0.0.0001' }, { kind: 'stmt', line: 5, text: 'stsch 0.0.0005' }]);
  });

  it('stmtWords writes the words encodeEvent writes; a journaled loop records each statement as them, read back exactly, and a listener gets the statement\'s one frozen event', () => {
    const strings = new StringTable();
    const e = { kind: 'stmt', line: 12, text: 'ssch 0.0.0007 cpa=one' } as const satisfies ModelEvent;
    sameWordsAsEncodeEvent(STMT_ID, e, strings, (w) => {
      const made = stmtWords(strings, e.line, e.text);
      if (!made) return false;
      w.set(made);
      return true;
    }, 'stmt');
    assert.equal(stmtWords(strings, 1.5, 'x'), undefined); // not a 32-bit integer line: the object is kept
    const r = scenario(['repeat 3', '  cr6 0xff000000', '  cr6 0x80000000', 'end'].join('\n'));
    const heard: ModelEvent[] = [];
    r.m.onEvent((x) => heard.push(x.event), ['stmt']);
    r.runToEnd();
    const stmts = r.m.history.filter((x) => x.event.kind === 'stmt').map((x) => x.event);
    const two = [{ kind: 'stmt', line: 2, text: 'cr6 0xff000000' }, { kind: 'stmt', line: 3, text: 'cr6 0x80000000' }];
    assert.deepEqual(stmts, [{ kind: 'stmt', line: 1, text: 'repeat 3' }, ...two, ...two, ...two]);
    assert.deepEqual(heard, stmts);
    // each statement's event is one frozen object, the same at every iteration
    assert.equal(heard[1], heard[3]);
    assert.equal(heard[2], heard[6]);
    assert.ok(Object.isFrozen(heard[1]));
  });
});
