/**
 * vfio topology figures: full guest SSCH → translate/pin → host I/O → interrupt → unpin → guest
 * TSCH cycles per second through every layer (QEMU, vfio-ccw, host cio, machine, mm), and CRW
 * deliveries per second (chchp -c → chp_event → CRW region → guest queue → STCRW).
 */
import { parseScenario } from '../../model/scenario/parser';
import { Runner } from '../../model/scenario/runner';
import type { Figure } from './headless';

/** The vfio topology of these figures: one echo device behind vfio-ccw (also used by unit tests). */
export const VFIO_ECHO_LAB = `kernel 6.18
topology vfio
memory 1M
chpid 40
chpid 41
device 0.0.1234 schid 0.0.0007 type echo chpids 40,41 isc 3 enabled
data msg at 0x2000 ascii "HELLO, CHANNEL!!"
data buf at 0x3000 zero 16
program echo at 0x1000
  WRITE CC count 16 data msg
  READ SLI count 16 data buf
end
`;

function lab(): Runner {
  const r = new Runner(parseScenario(VFIO_ECHO_LAB, 'bench.vlab').scenario);
  r.runToEnd();
  return r;
}

// frozen, as the runner gives an `ssch` statement's ECHO_ORB (model/scenario/exec/css.ts)
/** A format-1 ECHO_ORB starting the echo program at 0x1000, frozen as the runner's ssch gives it. */
export const ECHO_ORB = Object.freeze({ intparm: 0, key: 0, spnd: 0, str: 0, mod: 0, sync: 0, fmt: 1, pfch: 1, isic: 0, alcc: 0, ssic: 0, b: 0, c64: 0, i2k: 0, lpm: 0xff, ils: 0, midaw: 0, orbx: 0, cpa: 0x1000 });

/**
 * One cycle, the guest waiting as a scenario's `wait interrupt` does in a headless run: the
 * machine runs up to that many actions per call (`runActions`: a channel program goes on CCW after
 * CCW in one call while nothing else is due), the
 * wait's condition checked before each.
 */
function ioCycle(r: Runner, pending: () => boolean): void {
  const q = r.vfio!.qemu;
  if (q.ssch(0x00010007, ECHO_ORB) !== 0) throw new Error('bench: ssch failed');
  while (!pending()) if (r.m.runActions(MAX_ACTIONS_PER_CALL, pending) === 0) throw new Error('bench: no interrupt');
  q.tpi();
  if (q.tsch(0x00010007).cc !== 0) throw new Error('bench: tsch');
}

const MAX_ACTIONS_PER_CALL = 1 << 20;

/** The guest's `wait interrupt` condition for `r`'s QEMU (one closure per lab, not per cycle). */
function interruptPending(r: Runner): () => boolean {
  const q = r.vfio!.qemu;
  return () => q.interruptionPending();
}

/**
 * V8 compiles the cycle's hot functions only after thousands of cycles (with 200 warm-up cycles
 * and 10,000 timed ones, all three lean runs were still half-compiled and came out 2–3× below the
 * steady state). One throwaway lab runs this many lean cycles before anything is timed.
 */
const JIT_WARMUP_CYCLES = 30_000;

let warmedUp = false;

function warmUp(): void {
  if (warmedUp) return;
  const r = lab();
  r.m.setLean();
  const pending = interruptPending(r);
  for (let i = 0; i < JIT_WARMUP_CYCLES; i++) ioCycle(r, pending);
  warmedUp = true;
}

/**
 * Milliseconds of `n` cycles after 200 warm-up cycles, each run on a new lab (journaled: from an
 * empty journal and history), the median of 3 runs (issue 12: "each the median of 3 runs"),
 * after the JIT warm-up above.
 */
function medianMs(lean: boolean, n: number): number {
  warmUp();
  const ms: number[] = [];
  for (let k = 0; k < 3; k++) {
    const r = lab();
    if (lean) r.m.setLean();
    const pending = interruptPending(r);
    for (let i = 0; i < 200; i++) ioCycle(r, pending); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < n; i++) ioCycle(r, pending);
    ms.push(performance.now() - t0);
    if (r.mm.pinsHeld() !== 0) throw new Error('bench: pins left');
  }
  return ms.sort((a, b) => a - b)[1];
}

export function vfioBench(): Figure[] {
  const out: Figure[] = [];
  {
    const n = 3000;
    const ms = medianMs(false, n);
    out.push({ name: 'vfio.io_cycles_per_s', value: Math.round(n / (ms / 1000)), unit: 'cycles/s' });
    out.push({ name: 'vfio.io_cycle_us', value: (ms * 1000) / n, unit: 'us' });
  }
  {
    // issue 12: the same cycle headless (no journal, no history, no call stacks)
    const n = 30_000;
    const ms = medianMs(true, n);
    out.push({ name: 'lean.vfio_io_cycles_per_s', value: Math.round(n / (ms / 1000)), unit: 'cycles/s' });
  }
  {
    const r = lab();
    const v = r.vfio!;
    const q = v.qemu;
    let delivered = 0;
    const rounds = 2000;
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      v.cio.writeConfigure(0x41, i % 2 ? '1' : '0');
      while (r.m.runNextAction());
      while (q.stcrw().cc === 0) delivered++;
    }
    const ms = performance.now() - t0;
    if (delivered !== rounds) throw new Error(`bench: ${delivered} CRWs delivered for ${rounds} events`);
    out.push({ name: 'vfio.crw_deliveries_per_s', value: Math.round(delivered / (ms / 1000)), unit: 'crws/s' });
  }
  return out;
}
