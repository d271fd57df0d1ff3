/**
 * Language figures (issue 6): parse + check of a generated 100,000-line scenario (lines per
 * second), and diagnostics latency on a 1,000-line file (ms per full parse, which is what the
 * editor does ~200 ms after each keystroke), plus completion and hover on that file.
 */
import { parseScenario } from '../../model/scenario/parser';
import { completion, hover, VlabDocument } from '../../model/scenario/language';
import type { Figure } from './headless';

/** A realistic mix: devices, data, programs with labels and TIC, I/O, GUP calls, expects, comments. */
export function generateScenario(lines: number): string {
  const out: string[] = ['kernel 6.18', 'memory 64M', 'chpid 40', 'chpid 41'];
  let i = 0;
  while (out.length + 15 <= lines) {
    const sch = (i % 0xfff0) + 1;
    const addr = 0x10000 + (i % 4000) * 0x400;
    const hex = sch.toString(16).padStart(4, '0');
    out.push(
      `# --- block ${i}`,
      `device 0.1.${hex} schid 0.0.${hex} type echo chpids 40,41 enabled`.replace('0.1.', '0.0.'),
      `data d${i} at 0x${(addr + 0x200).toString(16)} ascii "HELLO ${i}"`,
      `program p${i} at 0x${addr.toString(16)} format 1`,
      `  l${i}: WRITE CC|SLI count 8 data d${i}`,
      `  READ SKP count 8 data d${i}+4`,
      `  TIC l${i}`,
      'end',
      `ssch 0.0.${hex} cpa=p${i} intparm=0x${i.toString(16)} lpm=0x80`,
      'expect cc == 0',
      `process q${i} pid ${1000 + i}`,
      `vma q${i} 0x7f0000000000 size 64K anon rw`,
      `pin_user_pages q${i} 0x7f0000000000 4 FOLL_WRITE|FOLL_LONGTERM -> b${i}`,
      `expect page(q${i}, 0x7f0000000000).refcount >= 1025`,
      `unpin_user_pages b${i}`,
    );
    i++;
  }
  while (out.length < lines) out.push('# filler');
  return out.join('\n');
}

function ms(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function language(): Figure[] {
  const figures: Figure[] = [];
  const big = generateScenario(100_000);
  parseScenario(generateScenario(2000), 'warm.vlab'); // warm up the JIT
  const runs = [0, 1, 2].map(() => ms(() => parseScenario(big, 'big.vlab')));
  const errors = parseScenario(big, 'big.vlab').diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`generated scenario has diagnostics: ${errors[0].message}`);
  figures.push({ name: 'language.parse_check_100k.lines_per_s', value: Math.round(100_000 / (median(runs) / 1000)), unit: 'lines/s' });
  figures.push({ name: 'language.parse_check_100k.ms', value: median(runs), unit: 'ms' });

  const small = generateScenario(1000);
  const samples = Array.from({ length: 50 }, () => ms(() => parseScenario(small, 'edit.vlab')));
  figures.push({ name: 'language.diagnostics_1k.p50', value: median(samples), unit: 'ms' });
  figures.push({ name: 'language.diagnostics_1k.max', value: Math.max(...samples), unit: 'ms' });

  const lines = small.split('\n');
  const at = lines.findIndex((l) => l.startsWith('pin_user_pages'));
  const comp = Array.from({ length: 20 }, () => ms(() => completion(small, at, lines[at].indexOf('FOLL_'), new VlabDocument(small))));
  figures.push({ name: 'language.completion_1k.p50', value: median(comp), unit: 'ms' });
  const hov = Array.from({ length: 20 }, () => ms(() => hover(small, at, lines[at].indexOf('FOLL_') + 2, new VlabDocument(small))));
  figures.push({ name: 'language.hover_1k.p50', value: median(hov), unit: 'ms' });
  return figures;
}
