/**
 * Headless model figures: CCWs per second through the runner on a long chained program, and
 * pin+unpin pages per second, with the journal on (as in a debug session).
 */
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

function timeRun(text: string, journal: boolean): { ms: number; runner: Runner } {
  const { scenario, diagnostics } = parseScenario(text, 'bench.vlab');
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(diagnostics.map((d) => d.message).join('; '));
  const runner = new Runner(scenario);
  if (!journal) runner.m.setLean();
  const t0 = process.hrtime.bigint();
  runner.runToEnd();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (runner.expects.some((e) => !e.ok)) throw new Error('bench scenario expect failed');
  return { ms, runner };
}

export function headless(): Figure[] {
  const figures: Figure[] = [];
  // A 4000-CCW chain of NOPs with CC, run 10 times: css §3 chaining at full speed.
  const n = 4000;
  const ccws = Array.from({ length: n }, (_, i) => `  NOP${i < n - 1 ? ' CC' : ''} data buf`).join('\n'); // nonzero CDA: css §3.6 loop guard counts CDA 0
  const starts = Array.from({ length: 10 }, () => 'ssch 0.0.0007 cpa=chain\nwait interrupt\ntsch 0.0.0007\nexpect irb.scsw.dstat == 0x0c').join('\n');
  const text = `memory 64K\nchpid 40\ndevice 0.0.1234 schid 0.0.0007 type echo chpids 40 enabled\ndata buf at 0x100 zero 8\nprogram chain at 0x1000\n${ccws}\nend\n${starts}\n`;
  for (const journal of [false, true]) {
    const { ms } = timeRun(text, journal);
    figures.push({ name: `headless.ccw_per_s${journal ? '.journal' : ''}`, value: Math.round((10 * n) / (ms / 1000)), unit: 'ccw/s' });
  }
  // pin + unpin of 16384 small anonymous pages (64 MiB) per call pair.
  const pages = 16384;
  const pinText = `process p pid 1\nvma p 0x7f0000000000 size ${pages * 4}K anon rw\npin_user_pages p 0x7f0000000000 ${pages} FOLL_WRITE|FOLL_LONGTERM -> b\nexpect ret == ${pages}\nunpin_user_pages b\n`;
  const { ms } = timeRun(pinText, true);
  figures.push({ name: 'headless.pin_unpin_pages_per_s.journal', value: Math.round(pages / (ms / 1000)), unit: 'pages/s' });
  return figures;
}
