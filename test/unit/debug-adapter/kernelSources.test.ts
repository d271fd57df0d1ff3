/**
 * Frames that teach (issue 9): every function name the model can put on a call stack has an
 * explanation with steps and reference sections, so no frame shows "Unknown Source". The names
 * come from three places: the frames of every example and conformance scenario run to the end,
 * the literal names the model passes to `within` / its thread helpers, and the model's own
 * tables of dynamic names (FSM actions, GUP and release APIs, per-era grab/put helpers).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { ACTION_FUNCTION } from '../../../model/linux/vfio-ccw/fsm';
import { GUP_APIS, RELEASE_APIS } from '../../../model/linux/mm/apis';
import { explanationOf, explainedNames, sourceText, currentLine, functionOf, KernelSources } from '../../../debug-adapter/kernelSources';

const ROOT = path.resolve(__dirname, '../../../..');

function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, ext));
    else if (p.endsWith(ext)) out.push(p);
  }
  return out;
}

/** Names in the model's source: literal frame names and the identifiers of name-choosing lines. */
function sourceNames(): Set<string> {
  const names = new Set<string>();
  for (const f of files(path.join(ROOT, 'model'), '.ts')) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:within|onQemuThread\([^,]+,|hostWork\([^,]+,|\.host)\(\s*'([^']+)'/g)) names.add(m[1]);
    for (const line of text.split('\n')) {
      // `within(cond ? 'a' : 'b', …)`, `const fn = … ? 'a' : 'b'` feed within(fn)
      if (/within\(|const (fn|helper) =/.test(line)) for (const m of line.matchAll(/'([a-z][a-z0-9]*_[a-z0-9_]*)'/g)) names.add(m[1]);
    }
  }
  // counting.ts: the per-era grab and put helpers (grabFn / putFn)
  const counting = fs.readFileSync(path.join(ROOT, 'model/linux/mm/counting.ts'), 'utf8');
  const helpers = counting.slice(counting.indexOf('grabFn('), counting.indexOf('isZero('));
  for (const m of helpers.matchAll(/'([a-z_]+)'/g)) if (m[1].includes('_')) names.add(m[1]);
  return names;
}

function runAll(): Set<string> {
  const names = new Set<string>();
  const scenarios = [...files(path.join(ROOT, 'examples'), '.vlab'), ...files(path.join(ROOT, 'test/scenarios'), '.vlab')];
  const resolve = (from: string, rel: string) => {
    const p = path.resolve(path.dirname(from), rel);
    return fs.existsSync(p) ? { file: p, text: fs.readFileSync(p, 'utf8') } : { error: `no ${rel}` };
  };
  for (const file of scenarios) {
    const { scenario, diagnostics } = parseScenario(fs.readFileSync(file, 'utf8'), file, { resolve });
    if (diagnostics.some((d) => d.severity === 'error')) continue;
    const r = new Runner(scenario);
    for (let n = 0; n < 200_000 && r.step(); n++);
    for (const h of r.m.history) for (const f of h.frames) if (f.line === undefined) names.add(f.name);
  }
  return names;
}

describe('debug-adapter: kernel sources (frames that teach)', function () {
  this.timeout(120000);

  it('explains every function name the model can emit', () => {
    const emitted = new Set([
      ...runAll(),
      ...sourceNames(),
      ...Object.values(ACTION_FUNCTION),
      ...GUP_APIS.keys(),
      ...RELEASE_APIS.keys(),
      // cio.ts within(`${d.name}_chp_event`): the two subchannel drivers
      'vfio_ccw_chp_event',
      'io_subchannel_chp_event',
    ]);
    assert.ok(emitted.size > 200, String(emitted.size));
    const missing = [...emitted].map(functionOf).filter((n) => !explanationOf(n));
    assert.deepEqual(missing, []);
  });

  it('every explanation has an origin, reference sections and steps; every call names an explained function', () => {
    for (const name of explainedNames()) {
      const e = explanationOf(name)!;
      assert.ok(e.origin.length > 0, name);
      assert.match(e.refs, /(css|gup) §\d/, `${name} cites a reference section`);
      assert.ok(e.steps.length > 0, name);
      for (const s of e.steps) for (const c of s.calls ?? []) assert.ok(explanationOf(c), `${name} calls ${c}, which has no explanation`);
    }
  });

  it('renders the text and points the frame line at the step running now', () => {
    const { text, stepLines } = sourceText('css_do_ssch');
    const lines = text.split('\n');
    assert.equal(lines[0], 'css_do_ssch()  —  QEMU hw/s390x/css.c');
    assert.equal(stepLines.length, 4);
    // css §5.2: the cc checks come first, the queued program last
    assert.match(lines[stepLines[0] - 1], /^ {3}1\. cc 3 when the device is not operational/);
    assert.equal(currentLine('css_do_ssch', 'do_subchannel_work_virtual', undefined), stepLines[3]);
    // innermost frame: the step that emits the event
    assert.equal(currentLine('css_interpret_ccw', undefined, 'ccw.data'), sourceText('css_interpret_ccw').stepLines[3]);
    assert.equal(currentLine('get_page ×1024', undefined, 'page.grab'), sourceText('get_page').stepLines[0]);
  });

  it('hands out one stable reference per function', () => {
    const k = new KernelSources();
    const a = k.referenceOf('try_grab_folio');
    assert.equal(k.referenceOf('try_grab_folio'), a);
    assert.equal(k.referenceOf('get_page ×3'), k.referenceOf('get_page'));
    assert.match(k.content(a)!.text, /^try_grab_folio\(\)/);
    assert.equal(k.content(999), undefined);
  });
});
