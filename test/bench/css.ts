/**
 * Channel-subsystem figures with 65,536 subchannels defined (issue 3): CCWs per second through
 * the headless runner on a long chained program, SSCH → interruption → TSCH cycles per second,
 * the cost of defining the subchannels and of STSCH, each with and without the journal.
 */
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';
import type { Figure } from './headless';

const ALL = 'chpid 40\ndevices 0.0.0000-0.0.ffff schid 0.0.0000 type echo chpids 40 enabled\n';

function prepare(text: string, journal: boolean): { runner: Runner; setupMs: number } {
  const { scenario, diagnostics } = parseScenario(text, 'bench-css.vlab');
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(diagnostics.map((d) => d.message).join('; '));
  const runner = new Runner(scenario);
  if (!journal) runner.m.setLean();
  const t0 = process.hrtime.bigint();
  runner.step(); // chpid
  runner.step(); // devices: 65,536 subchannels
  return { runner, setupMs: Number(process.hrtime.bigint() - t0) / 1e6 };
}

function finish(runner: Runner): number {
  const t0 = process.hrtime.bigint();
  runner.runToEnd();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const bad = runner.expects.filter((e) => !e.ok);
  if (bad.length) throw new Error(`bench expect failed: ${JSON.stringify(bad[0])}`);
  if (runner.m.history.some((h) => h.event.kind === 'exception')) throw new Error('bench scenario raised an exception');
  return ms;
}

export function cssBench(): Figure[] {
  const figures: Figure[] = [];
  const j = (journal: boolean) => (journal ? '.journal' : '');
  // 1. A 4000-CCW chain (nonzero CDA: the css §3.6 loop guard counts CDA 0), 10 starts, on the
  //    last of 65,536 subchannels.
  const n = 4000;
  const ccws = Array.from({ length: n }, (_, i) => `  NOP${i < n - 1 ? ' CC' : ''} data buf`).join('\n');
  const starts = Array.from({ length: 10 }, () => 'ssch 0.0.ffff cpa=chain\nwait interrupt\ntsch 0.0.ffff\nexpect irb.scsw.dstat == 0x0c').join('\n');
  const chain = `memory 64K\n${ALL}data buf at 0x100 zero 8\nprogram chain at 0x1000\n${ccws}\nend\n${starts}\n`;
  // 2. SSCH → interruption → TSCH cycles on subchannels spread over the whole set.
  const cycles = 5000;
  const cyc = Array.from({ length: cycles }, (_, i) => {
    const sch = ((i * 13) & 0xffff).toString(16).padStart(4, '0');
    return `ssch 0.0.${sch} cpa=one\nwait interrupt\ntsch 0.0.${sch}`;
  }).join('\n');
  const cycleText = `memory 64K\n${ALL}program one at 0x1000\n  NOP\nend\n${cyc}\nexpect irb.scsw.stctl == 0x07\n`;
  // 3. STSCH over every subchannel (the SCHIB store must stay cheap).
  const st = Array.from({ length: 0x10000 }, (_, i) => `stsch 0.0.${i.toString(16).padStart(4, '0')}`).join('\n');
  const stText = `memory 64K\n${ALL}${st}\nexpect schib.pmcw.dev == 0xffff\n`;
  for (const journal of [false, true]) {
    const a = prepare(chain, journal);
    figures.push({ name: `css.define_65536_subchannels_ms${j(journal)}`, value: a.setupMs, unit: 'ms' });
    const ms = finish(a.runner);
    figures.push({ name: `css.ccw_per_s.65536sch${j(journal)}`, value: Math.round((10 * n) / (ms / 1000)), unit: 'ccw/s' });
    const b = prepare(cycleText, journal);
    const cms = finish(b.runner);
    figures.push({ name: `css.ssch_tsch_cycles_per_s.65536sch${j(journal)}`, value: Math.round(cycles / (cms / 1000)), unit: 'cycles/s' });
    const c = prepare(stText, journal);
    const sms = finish(c.runner);
    figures.push({ name: `css.stsch_per_s.65536sch${j(journal)}`, value: Math.round(0x10000 / (sms / 1000)), unit: 'stsch/s' });
  }
  return figures;
}
