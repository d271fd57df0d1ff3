/**
 * Which scenario line wrote the CCW at a guest address (the `ccw.fetch` event's `ccwLine`, the
 * call stack's CCW frame). The programs' CCWs are grouped into runs of consecutive doublewords,
 * each an array of lines: a CCW of the run asked last is two compares and an index (issue 12: a
 * Map lookup per fetched CCW was 6 % of a journaled NOP chain), another run a binary search.
 */
export class CcwLineTable {
  /** First address of each run, ascending; the run holds first, first + 8, … up to `last`. */
  private readonly first: number[] = [];
  private readonly last: number[] = [];
  private readonly lines: Int32Array[] = [];
  /** The run answered last. */
  private hit = 0;

  /** `entries`: address → line, as the programs left them (a later program's CCW replaced an earlier one's). */
  constructor(entries: ReadonlyMap<number, number>) {
    const addrs = [...entries.keys()].sort((a, b) => a - b);
    for (let i = 0; i < addrs.length; ) {
      let j = i + 1;
      while (j < addrs.length && addrs[j] === addrs[j - 1] + 8) j++;
      this.first.push(addrs[i]);
      this.last.push(addrs[j - 1]);
      this.lines.push(Int32Array.from(addrs.slice(i, j), (a) => entries.get(a)!));
      i = j;
    }
  }

  /** The line of the CCW at `addr`, undefined if no program statement wrote one there. */
  lineAt(addr: number): number | undefined {
    let r = this.hit;
    if (!(r < this.first.length && addr >= this.first[r] && addr <= this.last[r])) {
      r = this.runOf(addr);
      if (r < 0) return undefined;
      this.hit = r;
    }
    const off = addr - this.first[r];
    return off % 8 === 0 ? this.lines[r][off / 8] : undefined;
  }

  /** The run whose address range holds `addr`, or −1. */
  private runOf(addr: number): number {
    let lo = 0;
    let hi = this.first.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.last[mid] < addr) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.first.length && this.first[lo] <= addr ? lo : -1;
  }
}
