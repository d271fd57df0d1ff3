import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import type { VfioStack } from '../../../model/qemu/topology';
import type { ModelEvent } from '../../../model/engine/events';
import { checkInvariants } from './invariants';

export const SCH = 7;
export const SID = 0x00010007;

/** Header of a vfio scenario: kernel, one echo device on 0.0.0007 with CHPIDs 40 and 41. */
export function header(kernel = '6.18', extra = ''): string {
  return `kernel ${kernel}\ntopology vfio\nmemory 1M\nchpid 40\nchpid 41\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40,41 isc 3 enabled\n${extra}`;
}

export interface Lab {
  r: Runner;
  v: VfioStack;
}

/**
 * Parse and run a scenario; throws on error diagnostics (warnings, such as a region read before
 * 5.8 that returns -EINVAL, are fine); optionally checks invariants after every step.
 */
export function run(text: string, opts: { invariants?: boolean } = {}): Lab {
  const { scenario, diagnostics } = parseScenario(text, 'test.vlab');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map(formatDiagnostic).join('\n'));
  const r = new Runner(scenario);
  let n = 0;
  while (r.step()) {
    if (opts.invariants && r.vfio) {
      const bad = checkInvariants(r);
      if (bad.length) throw new Error(`invariant broken after step ${n} (line ${r.current?.line ?? 'end'}): ${bad.join('; ')}`);
    }
    if (++n > 1_000_000) throw new Error('runaway');
  }
  return { r, v: r.vfio! };
}

export function failures(r: Runner): string[] {
  return r.expects.filter((e) => !e.ok).map((e) => `line ${e.line}: ${e.expr}: expected ${e.expected}, actual ${e.actual}`);
}

export function exceptions(r: Runner): string[] {
  return r.m.history.filter((h) => h.event.kind === 'exception').map((h) => JSON.stringify(h.event));
}

export function events<K extends ModelEvent['kind']>(r: Runner, kind: K): Array<Extract<ModelEvent, { kind: K }>> {
  return r.m.history.map((h) => h.event).filter((e): e is Extract<ModelEvent, { kind: K }> => e.kind === kind);
}

/** Run queued machine actions until idle. */
export function drain(r: Runner, max = 100_000): void {
  for (let i = 0; i < max && r.m.runNextAction(); i++);
}

export const hexBytes = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!.map((x) => parseInt(x, 16)));
