/**
 * Mocha helper: run a scenario with the css invariant checker after every model step (every
 * emitted event), and collect failed expects, exceptions and invariant violations.
 */
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { Runner } from '../../../model/scenario/runner';
import { checkCssInvariants, formatViolations } from '../../../model/css/invariants';
import type { ExpectResult } from '../../../model/scenario/runner';

export interface CheckedRun {
  runner: Runner;
  diagnostics: string[];
  violations: string[];
  exceptions: Array<{ name: string; line: number; detail: string }>;
  failed: ExpectResult[];
  events: number;
}

/** Parse and run `source`; invariants are checked after every event (subchannel of the event, or all). */
export function runChecked(source: string, file = 'inline.vlab'): CheckedRun {
  const { scenario, diagnostics } = parseScenario(source, file);
  const diags = diagnostics.map(formatDiagnostic);
  const r = new Runner(scenario);
  const violations: string[] = [];
  let events = 0;
  r.m.onEvent((h) => {
    events++;
    const e = h.event as { sch?: number };
    // a bulk configuration has 65,536 subchannels: check the one the event names, else all
    const many = r.css.core.devices.size > 256;
    const v = checkCssInvariants(r.css, typeof e.sch === 'number' ? [e.sch] : many ? [] : undefined);
    if (v.length) violations.push(`event #${h.seq} ${h.event.kind}: ${formatViolations(v)}`);
  });
  if (diags.filter((d) => d.includes('error')).length === 0) r.runToEnd(1_000_000);
  const exceptions = r.m.history.map((h) => h.event).filter((e): e is Extract<typeof e, { kind: 'exception' }> => e.kind === 'exception')
    .map((e) => ({ name: e.name, line: e.line, detail: e.detail }));
  return { runner: r, diagnostics: diags, violations, exceptions, failed: r.expects.filter((x) => !x.ok), events };
}
