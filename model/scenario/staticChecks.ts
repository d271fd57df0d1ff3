/**
 * What `check` (and the editor) can know before anything runs (issue 11): a statement that its
 * topology cannot execute, a GUP wrapper, FOLL flag or mm helper that does not exist in the
 * scenario's kernel version, a vfio-ccw region that does not exist before 5.8, an expression
 * naming vfio-topology state in the native topology. Each becomes a diagnostic at the
 * offending token; the runner's own refusals stay as a second line of defence.
 *
 * Called by the parser for every statement once it is parsed; the setup header (`kernel`,
 * `topology`) comes before the first other statement, so the scenario's version and topology
 * are final by then.
 */
import type { Expr, Scenario, Stmt } from './ast';
import type { Token } from './lexer';
import { VFIO_PATH_HEADS } from './vfioPaths';
import { apiExists, GUP_APIS, RELEASE_APIS } from '../linux/mm/apis';
import { parseFoll } from '../linux/mm/foll';
import { atLeast } from '../kernel/version';

export interface StaticProblem {
  col: number;
  endCol: number;
  message: string;
  severity: 'error' | 'warning';
}

/** Statements only the vfio topology has (host cio, vfio-ccw, QEMU; css §7–§10). */
const VFIO_ONLY: Partial<Record<Stmt['k'], string>> = {
  chchp: 'chchp', option: 'option', vfio: 'vfio', 'vfio-irq-info': 'vfio irq-info', 'vfio-dma': 'vfio dma-map/dma-unmap',
  inject: 'inject vfio-ccw', 'region-read': 'region read', 'region-write': 'region write', 'host-stcrw': 'host stcrw',
};

/**
 * Statements the vfio topology cannot run: machine-only instructions QEMU does not forward
 * (css §10.2: only SSCH/HSCH/CSCH/STSCH reach vfio-ccw; SAL, STCPS, RCHP, SCHM and CHSC with a
 * request block act on the machine's own facilities) and `devices` (bulk machine devices).
 */
const NATIVE_ONLY: Partial<Record<Stmt['k'], string>> = {
  devices: "'devices' defines plain machine devices; in the vfio topology define each vfio-ccw device with 'device' (css §10.1)",
  sal: "'sal' acts on the machine's channel subsystem: it needs 'topology native' (QEMU does not forward it, css §10.2)",
  stcps: "'stcps' acts on the machine's channel subsystem: it needs 'topology native' (css §10.2)",
  rchp: "'rchp' acts on the machine's channel subsystem: it needs 'topology native' (css §10.2)",
  schm: "'schm' acts on the machine's channel subsystem: it needs 'topology native' (css §10.2)",
};

/** The vfio-ccw regions added with the channel-path series (css §0, §8.1: 5.8). */
const REGIONS_58 = new Set(['schib', 'crw']);

export function staticDiagnostics(st: Stmt, scenario: Scenario, tokens: readonly Token[]): StaticProblem[] {
  const out: StaticProblem[] = [];
  const head = tokens[0];
  const at = (t: Token | undefined, message: string, severity: 'error' | 'warning' = 'error') => {
    const tok = t ?? head;
    out.push({ col: tok.col, endCol: tok.col + Math.max(1, tok.text.length), message, severity });
  };
  const word = (w: string) => tokens.find((t) => t.kind === 'word' && t.text === w);
  const v = scenario.kernel;
  const ver = `Linux ${v.major}.${v.minor}`;

  // topology
  const vfioName = VFIO_ONLY[st.k];
  if (vfioName && scenario.topology !== 'vfio') at(head, `'${vfioName}' needs 'topology vfio' (css §7, §8)`);
  if (st.k === 'machine-sei' && st.event === 'overflow' && scenario.topology !== 'vfio') at(word('overflow'), "'machine sei overflow' needs 'topology vfio' (host cio re-evaluation, css §6.4)");
  const nativeMsg = NATIVE_ONLY[st.k];
  if (nativeMsg && scenario.topology === 'vfio') at(head, nativeMsg);
  if (st.k === 'chsc' && st.at !== undefined && scenario.topology === 'vfio') at(word('at'), "'chsc … at ADDR' runs CHSC on the machine's request block: it needs 'topology native' (css §5.6, §10.2)");

  // kernel version: GUP wrappers and FOLL flags (gup §2.1, §2.2)
  if (st.k === 'gup') {
    const spec = GUP_APIS.get(st.api);
    if (spec && !apiExists(spec, v)) at(head, `${st.api} does not exist in ${ver} (${spec.since}${spec.until ? `–${spec.until}` : '+'}; gup §2.1)`);
    for (const f of st.flags) {
      try {
        parseFoll([f], v);
      } catch (e) {
        const tok = tokens.find((t) => t.kind === 'word' && t.text.toUpperCase().replace(/^(FOLL_)?/, 'FOLL_') === f.trim().toUpperCase().replace(/^(FOLL_)?/, 'FOLL_'));
        at(tok, e instanceof Error ? e.message : String(e));
      }
    }
  }
  if (st.k === 'release') {
    const spec = RELEASE_APIS.get(st.api);
    if (spec && !apiExists(spec, v)) at(head, `${st.api} does not exist in ${ver} (${spec.since}+; gup §2.1)`);
  }
  if (st.k === 'mm_op') {
    // gup §1, §2.1: helpers newer than some supported kernels
    const since: Record<string, [number, number, string]> = { folio_add_pin: [6, 5, '6.5+'], folio_add_pins: [6, 11, '≈6.11+'], memfd_pin_folios: [6, 11, '≈6.11+'] };
    const s = since[st.op];
    if (s && !atLeast(v, s[0], s[1])) at(head, `${st.op} does not exist in ${ver} (${s[2]}; gup §1)`);
  }

  // kernel version: vfio-ccw regions (css §0, §8.1)
  if ((st.k === 'region-read' || st.k === 'region-write') && REGIONS_58.has(st.region) && !atLeast(v, 5, 8)) {
    at(word(st.region), `the ${st.region} region does not exist before Linux 5.8 (css §0, §8.1): in ${ver} the ${st.k === 'region-read' ? 'pread' : 'pwrite'} returns -EINVAL`, 'warning');
  }

  // expressions naming vfio-topology state
  if (st.k === 'expect' && scenario.topology !== 'vfio') {
    for (const e of [st.lhs, st.rhs]) {
      walkPaths(e, (p) => {
        // a bare word may be a process or binding name (`locked_vm(qemu)`): only `head(…)` / `head.f`
        if (((VFIO_PATH_HEADS as readonly string[]).includes(p.head) || p.head === 'cio') && (p.args.length > 0 || p.parts.length > 0)) {
          out.push({ col: p.col, endCol: p.col + p.head.length, message: `'${p.head}' reads vfio-topology state: it needs 'topology vfio' (css §7–§10)`, severity: 'error' });
        }
      });
    }
  }
  return out;
}

/** Every field path of an expression (iterative: expressions may nest deeply). */
export function walkPaths(e: Expr, visit: (p: Extract<Expr, { k: 'path' }>) => void): void {
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.k === 'path') {
      visit(x);
      stack.push(...x.args);
    }
    for (const child of exprChildren(x)) stack.push(child);
  }
}

/** The operand sub-expressions of an operator node (none for literals and paths). */
export function exprChildren(e: Expr): Expr[] {
  if (e.k === 'binary') return [e.lhs, e.rhs];
  if (e.k === 'unary') return [e.operand];
  return [];
}
