/**
 * Run control beside the navigator (PRODUCT §3 "Time travel"): a reverse walk in slices (so a
 * long reverse-continue can report progress and be paused or cancelled like a continue), and
 * `goto` targets — a line's point in history: the most recent earlier execution of that
 * statement or CCW, else its next one. Going there only moves the stop along history, so it is
 * undone by going back (stepBack, reverseContinue or another goto).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HistoryRecord } from '../model/engine/events';
import type { Navigator, StopTest } from './navigator';
import type { SourceMap } from './breakpoints';

/** Go back up to `budget` records looking for one that passes `test`; 'start' at the first record. */
export function backwardSlice(nav: Navigator, test: StopTest, budget: number): HistoryRecord | 'start' | 'budget' {
  for (let n = 0; n < budget; n++) {
    if (nav.cursor <= 0) {
      nav.settle();
      return 'start';
    }
    nav.cursor--;
    // tested in place (no record object per step, issue 12); the stop is a materialised record
    if (test(nav.probeAt(nav.cursor), nav.cursor)) {
      nav.settle();
      return nav.current!;
    }
  }
  nav.settle();
  return 'budget';
}

export interface LineTarget {
  file: string;
  line: number;
}

/** The test "record r executes this statement or fetches this CCW line". */
export function atLine(t: LineTarget, sources: SourceMap, ccwFile: (addr: number) => string): (r: HistoryRecord) => boolean {
  return (r) => {
    const e = r.event;
    if (e.kind === 'stmt') return e.line === t.line && sources.fileOf(e.line, e.text) === t.file;
    if (e.kind === 'ccw.fetch') return e.ccwLine === t.line && ccwFile(e.addr) === t.file;
    return false;
  };
}

/** Goto targets handed out in this session: id → line (ids stay valid until the next request). */
export class GotoTargets {
  private targets = new Map<number, LineTarget>();
  private next = 1;

  /** gotoTargets: the executable line at `line` (statement or CCW); none for other lines. */
  find(sources: SourceMap, file: string, line: number): DebugProtocol.GotoTarget[] {
    if (!Number.isInteger(line) || line < 1) throw new Error('gotoTargets: line must be a positive whole number');
    if (!sources.executable(file).has(line)) return [];
    if (this.targets.size > 1000) this.targets.clear();
    const id = this.next++;
    this.targets.set(id, { file, line });
    return [{ id, label: `line ${line}: its most recent execution, else its next`, line }];
  }

  get(id: unknown): LineTarget {
    const t = typeof id === 'number' ? this.targets.get(id) : undefined;
    if (!t) throw new Error(`goto: unknown target id ${String(id)} (ask gotoTargets first)`);
    return t;
  }

  /**
   * The history index of the target: the most recent execution before the cursor, else the
   * first one after it in recorded history; undefined when history has none (the caller runs
   * forward to it).
   */
  locate(nav: Navigator, at: (r: HistoryRecord) => boolean): number | undefined {
    const h = nav.history;
    for (let k = nav.cursor - 1; k >= 0; k--) if (at(h[k])) return k;
    for (let k = nav.cursor + 1; k < h.length; k++) if (at(h[k])) return k;
    return undefined;
  }
}
