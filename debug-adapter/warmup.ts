/**
 * Warm-up for the standalone adapter: before the first request arrives, run a small built-in
 * scenario through the same paths a debug session uses (parse, step, step back, views,
 * variables), so that the user's first steps run compiled code instead of the interpreter.
 * Measured: without it the first steps of a fresh adapter take 3–6 ms instead of < 1 ms. The
 * request path (framing, dispatch, answers) is warmed by sessionWarmup.ts, which steps through
 * flatScenario below with a client's request sequence.
 */
import { parseScenario } from '../model/scenario/parser';
import { Runner } from '../model/scenario/runner';
import { Navigator } from './navigator';
import { ViewData } from './viewData';
import { Variables } from './variables';

const SCENARIO = `
chpid 40
device 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled
data msg at 0x2000 ascii "WARM"
data buf at 0x3000 zero 4
program p at 0x1000
  WRITE CC count 4 data msg
  READ SLI count 4 data buf
end
ssch 0.0.0007 cpa=p
expect cc == 0
wait interrupt
tsch 0.0.0007
expect irb.scsw.dstat == 0x0c
stsch 0.0.0007
expect schib.scsw.stctl == 0
process q pid 1
vma q 0x7f0000000000 size 64K anon rw
pin_user_pages q 0x7f0000000000 4 FOLL_WRITE|FOLL_LONGTERM -> b
expect page(q, 0x7f0000000000).refcount == 1025
unpin_user_pages b
`;

/**
 * A scenario of many distinct statements, as a user's is (each step meets a statement it has not
 * run before): `groups` groups of an SSCH/TSCH/STSCH and a pin/unpin on their own subchannel and
 * pages. Measured (issue 12): a fresh adapter ran its first few thousand distinct statements at
 * 40–60 µs each, the steady state is about 10 µs; the small scenario above alone did not get it
 * there. sessionWarmup.ts steps through it as a client does.
 */
export function flatScenario(groups: number): string {
  const lines = ['chpid 40', `devices 0.0.0000-0.0.${(groups - 1).toString(16).padStart(4, '0')} schid 0.0.0000 type echo chpids 40 enabled`,
    'data buf at 0x100 zero 8', 'program one at 0x1000', '  NOP CC data buf', '  NOP data buf', 'end',
    'process qemu pid 1000', 'vma qemu 0x100000000 size 64M anon rw'];
  for (let g = 0; g < groups; g++) {
    const sch = `0.0.${g.toString(16).padStart(4, '0')}`;
    const va = `0x${(0x100000000 + g * 0x5000).toString(16)}`;
    lines.push(`ssch ${sch} cpa=one`, 'wait interrupt', `tsch ${sch}`, `stsch ${sch}`,
      `pin_user_pages qemu ${va} 4 FOLL_WRITE -> p`, 'expect ret == 4', 'unpin_user_pages p', 'expect irb.scsw.dstat == 0x0c');
  }
  return lines.join('\n') + '\n';
}

/**
 * Rounds of the small scenario: its step back, views and both radixes of the variables. Few,
 * because sessionWarmup.ts steps through most of the same paths (issue 12: 4 instead of 30 paid
 * for its longer session, and the adapter starts as fast as before).
 */
const ROUNDS = 4;

export function warmUp(rounds = ROUNDS): void {
  for (let i = 0; i < rounds; i++) {
    const runner = new Runner(parseScenario(SCENARIO, '<warm-up>').scenario);
    const nav = new Navigator(runner);
    const view = new ViewData(runner);
    const vars = new Variables(runner, nav, view);
    for (;;) {
      const r = nav.forward(() => true, 1000);
      if (r === 'end') break;
      if (r === 'budget') continue;
      view.setStop(r.journalPos);
      for (const s of vars.scopes()) vars.children(s.ref, i % 2 === 0);
      view.subchannels({ limit: 8 });
      view.pages({ interestingOnly: true, limit: 100 });
      view.crwQueues();
    }
    nav.backward(() => false);
  }
}
