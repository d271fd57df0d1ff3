/**
 * Every struct page of the model, in typed arrays (one slot per PFN), growing by doubling.
 *
 * Invariant: slots at index ≥ `count` are all zero. Allocation therefore writes only the
 * non-zero fields, and undoing an allocation (the journal restores the old zeros) keeps the
 * invariant, so growth itself need not be journaled: a grown array holds the same values.
 *
 * Per-folio counters live on the head slot: `refcount[head]` is the folio's `_refcount`,
 * `pincount[head]` the exact pin counter (E2 `hpage_pinned_refcount` in page[2], E3
 * `compound_pincount` / E4+ `_pincount` in page[1], gup §3.2 — the struct page that holds it is
 * reported by `pincountPage()`, the value is kept on the head for one lookup).
 * 28 bytes per page: 1,000,000 pages ≈ 28 MiB at the doubled capacity of 2^20.
 */
import type { Machine } from '../../engine/machine';

/** flags bits */
export const PG_PRESENT = 1; // slot allocated
export const PG_DIRTY = 2; // PG_dirty on the head (folio dirty)
export const PG_ZERO = 4; // the shared zero page
export const PG_HEAD = 8; // head of a compound page / large folio
export const PG_TAIL = 16;
export const PG_FREED = 32; // refcount dropped to 0 (returned to the allocator; not reused by the model)
export const PG_HWPOISON = 64;
export const PG_RESERVED = 128;

export type Zone = 'normal' | 'movable' | 'cma' | 'device';
export const ZONES: readonly Zone[] = ['normal', 'movable', 'cma', 'device'];

/** What the page belongs to (decides idle refcount, long-term rules and dirty tracking). */
export type PageKind = 'anon' | 'file' | 'shmem' | 'hugetlb' | 'secretmem' | 'zero' | 'dax' | 'device' | 'p2pdma' | 'hugezero';
export const PAGE_KINDS: readonly PageKind[] = ['anon', 'file', 'shmem', 'hugetlb', 'secretmem', 'zero', 'dax', 'device', 'p2pdma', 'hugezero'];

/** Index of each zone and page kind in the `zone` / `kind` arrays (tests in page loops compare numbers). */
export const ZONE_INDEX: Readonly<Record<Zone, number>> = Object.fromEntries(ZONES.map((z, i) => [z, i])) as Record<Zone, number>;
export const KIND_INDEX: Readonly<Record<PageKind, number>> = Object.fromEntries(PAGE_KINDS.map((k, i) => [k, i])) as Record<PageKind, number>;

const INITIAL_CAPACITY = 1024;

export class PageStore {
  /** Number of allocated slots (journaled). */
  count = 0;
  refcount: Int32Array;
  pincount: Int32Array;
  flags: Uint8Array;
  order: Uint8Array;
  /** index − head index (0 for heads and small pages). */
  headOff: Int32Array;
  /** index into ZONES */
  zone: Uint8Array;
  /** index into PAGE_KINDS */
  kind: Uint8Array;
  /** owning pid for mapped private pages, 0 = none/shared */
  ownerPid: Int32Array;
  /** user virtual page number (vaddr >> 12) of that mapping */
  ownerVpn: Float64Array;

  /**
   * Bit (1 << zone index) of every zone a slot was ever given (alloc, setZone), never cleared: a
   * superset of the zones slots hold now, also after an undo or a redo (they only put back values
   * written here before). Lets a rule that looks for pages of some zone skip a scan that cannot
   * find one (Longterm.unpinnableHeads). Not model state: derived, and only ever conservative.
   */
  zonesSeen = 1 << 0; // ZONES[0], 'normal': what a zero slot reads as

  constructor(private readonly m: Machine, capacity = INITIAL_CAPACITY) {
    this.refcount = new Int32Array(capacity);
    this.pincount = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.order = new Uint8Array(capacity);
    this.headOff = new Int32Array(capacity);
    this.zone = new Uint8Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.ownerPid = new Int32Array(capacity);
    this.ownerVpn = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.refcount.length;
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return (
      this.refcount.byteLength + this.pincount.byteLength + this.flags.byteLength + this.order.byteLength +
      this.headOff.byteLength + this.zone.byteLength + this.kind.byteLength + this.ownerPid.byteLength +
      this.ownerVpn.byteLength
    );
  }

  private ensure(n: number): void {
    if (n <= this.capacity) return;
    let cap = this.capacity;
    while (cap < n) cap *= 2;
    const grow = <A extends Int32Array | Uint8Array | Float64Array>(a: A, make: (c: number) => A): A => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.refcount = grow(this.refcount, (c) => new Int32Array(c));
    this.pincount = grow(this.pincount, (c) => new Int32Array(c));
    this.flags = grow(this.flags, (c) => new Uint8Array(c));
    this.order = grow(this.order, (c) => new Uint8Array(c));
    this.headOff = grow(this.headOff, (c) => new Int32Array(c));
    this.zone = grow(this.zone, (c) => new Uint8Array(c));
    this.kind = grow(this.kind, (c) => new Uint8Array(c));
    this.ownerPid = grow(this.ownerPid, (c) => new Int32Array(c));
    this.ownerVpn = grow(this.ownerVpn, (c) => new Float64Array(c));
  }

  /**
   * Allocate a folio of 2^order pages; returns the head PFN. refcount[head] = `ref`.
   * Large folios are naturally aligned in PFN space (padding slots stay unallocated).
   */
  alloc(order: number, kind: PageKind, zone: Zone, ref: number): number {
    const j = this.m.journal;
    const n = 1 << order;
    const head = order === 0 ? this.count : Math.ceil(this.count / n) * n;
    this.ensure(head + n);
    j.noteNum(this, 'count', this.count, head + n);
    this.count = head + n;
    const z = ZONE_INDEX[zone];
    const k = KIND_INDEX[kind];
    this.zonesSeen |= 1 << z;
    // the arrays by reference, one helper per element type (put8 …): a fault allocates a page
    // each, and setElem's lookup by name, or one access site for every array type, cost it a
    // megamorphic load per field (issue 12)
    for (let i = 0; i < n; i++) {
      const p = head + i;
      let f = PG_PRESENT;
      if (order > 0) f |= i === 0 ? PG_HEAD : PG_TAIL;
      if (kind === 'zero') f |= PG_ZERO | PG_RESERVED;
      this.put8(this.flags, 'flags', p, f);
      if (order > 0) this.put8(this.order, 'order', p, order);
      if (i > 0) this.put32(this.headOff, 'headOff', p, i);
      if (z !== 0) this.put8(this.zone, 'zone', p, z);
      if (k !== 0) this.put8(this.kind, 'kind', p, k);
    }
    this.put32(this.refcount, 'refcount', head, ref);
    return head;
  }

  valid(pfn: number): boolean {
    return Number.isInteger(pfn) && pfn >= 0 && pfn < this.count && (this.flags[pfn] & PG_PRESENT) !== 0;
  }

  head(pfn: number): number {
    return pfn - this.headOff[pfn];
  }

  orderOf(pfn: number): number {
    return this.order[this.head(pfn)];
  }

  has(pfn: number, bit: number): boolean {
    return (this.flags[pfn] & bit) !== 0;
  }

  setFlag(pfn: number, bit: number, on: boolean): void {
    const f = this.flags[pfn];
    this.put8(this.flags, 'flags', pfn, on ? f | bit : f & ~bit);
  }

  zoneOf(pfn: number): Zone {
    return ZONES[this.zone[this.head(pfn)]];
  }

  kindOf(pfn: number): PageKind {
    return PAGE_KINDS[this.kind[this.head(pfn)]];
  }

  /** kindOf(pfn) === kind, without a string compare. */
  kindIs(pfn: number, kind: PageKind): boolean {
    return this.kind[this.head(pfn)] === KIND_INDEX[kind];
  }

  /** zoneOf(pfn) === zone, without a string compare. */
  zoneIs(pfn: number, zone: Zone): boolean {
    return this.zone[this.head(pfn)] === ZONE_INDEX[zone];
  }

  /**
   * The counters a pin or unpin writes per page. Not recording (a lean run): the element is
   * assigned as setElem would, without its generic (owner, field) lookup (issue 12).
   */
  setRef(head: number, v: number): void {
    const j = this.m.journal;
    if (j.recording) j.setElemIn(this, 'refcount', this.refcount, head, v);
    else this.refcount[head] = v;
  }

  setPin(head: number, v: number): void {
    const j = this.m.journal;
    if (j.recording) j.setElemIn(this, 'pincount', this.pincount, head, v);
    else this.pincount[head] = v;
  }

  setOwner(pfn: number, pid: number, vpn: number): void {
    this.put32(this.ownerPid, 'ownerPid', pfn, pid);
    const old = this.ownerVpn[pfn];
    if (old !== vpn) {
      this.m.journal.noteElem(this, 'ownerVpn', pfn, old, vpn);
      this.ownerVpn[pfn] = vpn;
    }
  }

  /** arr[i] = v (journaled) for the Uint8 arrays; `v` must be what the array stores (0…255). */
  private put8(arr: Uint8Array, field: 'flags' | 'order' | 'zone' | 'kind', i: number, v: number): void {
    const old = arr[i];
    if (old === v) return;
    this.m.journal.noteElem(this, field, i, old, v);
    arr[i] = v;
  }

  /** arr[i] = v (journaled) for the Int32 arrays; `v` an int32. */
  private put32(arr: Int32Array, field: 'refcount' | 'headOff' | 'ownerPid', i: number, v: number): void {
    const old = arr[i];
    if (old === v) return;
    this.m.journal.noteElem(this, field, i, old, v);
    arr[i] = v;
  }

  setZone(pfn: number, zone: Zone): void {
    const h = this.head(pfn);
    const n = 1 << this.order[h];
    this.zonesSeen |= 1 << ZONE_INDEX[zone];
    for (let i = 0; i < n; i++) this.m.journal.setElem(this, 'zone', h + i, ZONE_INDEX[zone]);
  }
}
