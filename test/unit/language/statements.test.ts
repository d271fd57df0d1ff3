/**
 * Parser tests per statement (issue 6): for every StatementDef of the table, a good form taken
 * from the corpus (docs examples, examples/) parses, and bad forms generated from it give a
 * precise diagnostic — missing operands ("expected …" at the end of the line), a stray
 * character, a trailing extra operand. A hand-written table pins the exact text of the
 * diagnostics of the statements whose messages users see most.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { lexLine } from '../../../model/scenario/lexer';
import { STATEMENTS } from '../../../model/scenario/statements';
import { corpus } from './corpus';

/** The first corpus line of each statement, with the sample it came from. */
function goodForms(): Map<string, { line: string; lineNo: number; sample: { name: string; text: string } }> {
  const out = new Map<string, { line: string; lineNo: number; sample: { name: string; text: string } }>();
  for (const sample of corpus()) {
    if (/fixtures\/(bad|fails)/.test(sample.name)) continue;
    if (parseScenario(sample.text, 's.vlab').diagnostics.some((d) => d.severity === 'error')) continue;
    sample.text.split('\n').forEach((line, i) => {
      const head = lexLine(line).tokens[0];
      if (head?.kind === 'word' && !out.has(head.text) && STATEMENTS.some((s) => s.name === head.text)) out.set(head.text, { line, lineNo: i + 1, sample });
    });
  }
  return out;
}

const errors = (text: string) => parseScenario(text, 'f.vlab').diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

describe('language: every statement, good and bad forms', () => {
  const good = goodForms();

  for (const def of STATEMENTS) {
    describe(def.name, () => {
      const g = good.get(def.name);
      it('has a help text, a syntax starting with its name and a reference', () => {
        assert.ok(def.syntax.startsWith(def.name), def.syntax);
        assert.ok(def.help.length > 10);
        assert.match(def.ref, /§|PRODUCT/);
      });
      if (!g) return; // statements without a corpus example yet (the docs test asks for one)
      it(`good form parses: ${g.line.trim()}`, () => {
        const { scenario, diagnostics } = parseScenario(g.sample.text, 's.vlab');
        assert.deepEqual(diagnostics.filter((d) => d.line === g.lineNo && d.severity === 'error'), []);
        const include = def.name === 'include';
        if (!include && !['kernel', 'topology', 'memory'].includes(def.name)) assert.ok(scenario.statements.some((s) => s.line === g.lineNo), 'a statement at its line');
      });
      it('a stray character is reported at its column', () => {
        const line = `${g.line.replace(/#.*$/, '').trimEnd()} @`;
        const d = parseScenario(line, 'f.vlab').diagnostics.filter((x) => x.line === 1);
        assert.equal(d[0]?.message, "unexpected character '@'");
        assert.equal(d[0]?.column, line.length);
      });
      it('missing operands: "expected …" at the end of the line, or it parses', () => {
        const bare = g.line.replace(/#.*$/, '').trim().split(/\s+/)[0];
        assert.equal(bare, def.name);
        const d = parseScenario(bare, 'f.vlab').diagnostics.filter((x) => x.severity === 'error' && x.line === 1);
        if (d.length === 0) return; // no required operands (tpi, wait, stcrw …)
        assert.equal(d.length, 1, JSON.stringify(d));
        assert.match(d[0].message, /^expected \S/);
        assert.doesNotMatch(d[0].message, /found|undefined/);
        assert.equal(d[0].column, bare.length + 1);
      });
      it('a trailing stray bracket is rejected', () => {
        const line = `${g.line.replace(/#.*$/, '').trimEnd()} ]`;
        const d = parseScenario(line, 'f.vlab').diagnostics.filter((x) => x.severity === 'error' && x.line === 1);
        // a statement with a free operand list (`[PAGE…]`) checks its operands when it runs
        if (d.length === 0 && /…|\.\.\./.test(def.syntax.split(/\s+/).pop() ?? '')) return;
        assert.ok(d.length >= 1, `no diagnostic for: ${line}`);
        assert.ok(d.some((x) => /expected|unknown/.test(x.message)), JSON.stringify(d));
      });
    });
  }
});

describe('language: exact diagnostics of common mistakes', () => {
  const cases: Array<[string, string]> = [
    ['chpid zz', "f.vlab:1:7: error: expected a CHPID (hex, e.g. 40), found 'zz'"],
    ['chpid', 'f.vlab:1:6: error: expected a CHPID (hex, e.g. 40)'],
    ['chpid 40 tipe 1', "f.vlab:1:10: error: expected end of line, found 'tipe'"],
    ['device 0.0.1234 schid 0.0.0007 type echo', "f.vlab:1:41: error: expected 'chpids'"],
    ['device 0.0.1234 schid 0.0.0007 type echo chpids 40 isc 9', 'f.vlab:1:57: error: ISC must be 0-7 (css §1.1)'],
    ['device 1.0.1234 schid 0.0.0007 type echo chpids 40', "f.vlab:1:8: error: id '1.0.1234': only css 0, subchannel set 0 are modelled"],
    ['data d at 0x100 hex "0"', 'f.vlab:1:24: error: hex data must be pairs of hex digits'],
    ['data d at 0x100 base64 "AA"', "f.vlab:1:17: error: unknown ascii, hex, zero or fill 'base64'"],
    ['program p at 0x1000 format 2\nend', "f.vlab:1:28: error: CCW format must be 0 or 1 (css §3.1), found '2'"],
    ['memory 100M', 'f.vlab:1:12: error: memory size must be between 4K and 64M'],
    ['kernel 7', "f.vlab:1:8: error: expected a kernel version such as 5.6, 5.8, 6.3 or 6.18, found '7'"],
    ['topology kvm', "f.vlab:1:10: error: unknown topology 'kvm'"],
    ['msch 0.0.0007 isk=3', "f.vlab:1:15: error: unknown program-modifiable PMCW field 'isk' (did you mean 'isc'?)"],
    ['msch 0.0.0007', 'f.vlab:1:14: error: expected at least one field=VALUE (or `at ADDR`: MSCH takes the SCHIB image stored there)'],
    ['ssch 0.0.0007 intparm 5', "f.vlab:1:23: error: expected '=', found '5'"],
    ['wait forever', "f.vlab:1:6: error: unknown interrupt or idle 'forever'"],
    ['process p', "f.vlab:1:10: error: expected 'pid'"],
    ['vma p 0x1000 size 4K anon rx', "f.vlab:1:27: error: unknown r, rw, w or none 'rx' (did you mean 'r'?)"],
    ['pin_user_pages p 0x1000 1 FOLL_LONGTERN', "f.vlab:1:27: error: unknown FOLL_* flag 'FOLL_LONGTERN' (did you mean 'FOLL_LONGTERM'?)"],
    ['pin_user_pages p 0x1000 1 FOLL_WRITE ->', 'f.vlab:1:40: error: expected a name to bind the pages to'],
    ['unpin_user_pages_dirty_lock b maybe', "f.vlab:1:31: error: unknown true or false (make_dirty) 'maybe'"],
    ['expect cc', 'f.vlab:1:10: error: expected a comparison (== != < <= > >=)'],
    ['expect == 1', "f.vlab:1:8: error: expected a value, ( … ) or a field path such as cc, irb.scsw.stctl or page(proc, addr).refcount, found '=='"],
    ['expect (cc == 1', "f.vlab:1:16: error: expected ')'"],
    ['expect cc 1', "f.vlab:1:11: error: expected an operator or a comparison (== != < <= > >=), found '1'"],
    ['expect mem(0x10, 2) == hex "0"', 'f.vlab:1:28: error: expected pairs of hex digits in hex "…" (e.g. hex "00 ff 12"), found \'0\''],
    ['include setup.vlab', 'f.vlab:1:9: error: expected a quoted file name such as "common/setup.vlab", found \'setup\''],
    ['include "x.vlab"', "f.vlab:1:9: error: cannot include 'x.vlab' here: no file access (include works in files run by the CLI, the debugger and the editor)"],
    ['program p at 0x1000\n  WRIT count 1\nend', "f.vlab:2:3: error: unknown CCW command (WRITE, READ, NOP, SENSE, SENSE_ID, TIC, ...) or a code 'WRIT' (did you mean 'WRITE'?)"],
    ['program p at 0x1000\n  WRITE CC cnt 1\nend', "f.vlab:2:12: error: expected a CCW flag (CD CC SLI SKP PCI IDA S MIDA), 'count N' or 'data ADDR', found 'cnt'"],
    ['program p at 0x1000\n  TIC nowhere\nend', "f.vlab:2:7: error: unknown name 'nowhere'"],
    ['end', "f.vlab:1:1: error: 'end' without a 'program' block"],
  ];
  for (const [text, expected] of cases) {
    it(`${text.split('\n').join(' ⏎ ')}`, () => assert.equal(errors(text)[0], expected));
  }
});
