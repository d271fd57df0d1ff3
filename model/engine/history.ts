/**
 * The machine's history, compact (issue 12): one record per emitted event, held in parallel
 * typed arrays — journal position, call-stack node (machine.ts StackNode id), kind and
 * granularity, and where the event's payload is — instead of an object with an event object
 * and a frames array. Events of the frequent kinds are a few 32-bit words (eventCodec.ts);
 * the others are kept as the objects emitted. Virtual time and thread change rarely, so they
 * are runs (a new run when either changes), found by binary search. A channel program advances
 * time by one per CCW with the same records per CCW: such runs are one stepped run (issue 12) —
 * its k-th group of `per` records is at time + k × dt — found when the last two runs of one thread
 * have the same length and the third one starts at the step they predict.
 *
 * Word runs: a GUP call emits events per page whose words grow by the same step from page to
 * page (vaddr + 4096, pfn + 1, the rest equal), kinds interleaved at a fixed distance (a fault,
 * then a grab). A record whose words are exactly those of the last record of its kind plus the
 * step between the two before it, at the same seq distance, keeps no words: it points at a run
 * header (its own store) — kind, first seq, seq distance d, last member's seq, the first
 * record's words and the step — and its words are base + j × step (32-bit wrapping, j = its
 * seq distance from the first / d). The check compares the encoded words, so a member decodes
 * to exactly the words its event encoded to.
 *
 * One file over the usual size for the reason journal.ts gives: the record store, its time and
 * word runs and their readers share the hot-path typed arrays as private fields.
 *
 * Readers get `HistoryRecord` objects as before: `view` is an array-like (index, length,
 * iteration, the Array methods) whose elements are materialised on demand, and a cursor
 * (`newCursor`) is one reusable record for walks that test millions of records (the navigator, reverse-continue)
 * without allocating per record.
 */
import type { Granularity, HistoryRecord, ModelEvent, ModelEventKind, ModelFrame } from './events';
import { KIND_NAMES, KIND_WORDS, StringTable, decodeEvent, encodeEvent, kindId } from './eventCodec';
import { eventBytes, HISTORY_RECORD_BYTES, HISTORY_RUN_BYTES } from './memoryEstimate';
import { grow } from './typedArrays';

/**
 * Read on `m.history` (the view): a number that changes whenever records are dropped or
 * forgotten, so a reader caching per-record data knows to start over. Records are materialised
 * per read, so their identity cannot tell it (debug-adapter/timelineData.ts).
 */
export const HISTORY_EPOCH: unique symbol = Symbol('history epoch');
/**
 * On the history view: a function that returns a new reusable cursor (HistoryStore.newCursor), so
 * a reader that walks every record (the timeline's index) materialises none of them.
 */
export const HISTORY_CURSOR: unique symbol = Symbol('history cursor');

const GRANULARITIES: readonly Granularity[] = ['statement', 'ccw', 'instruction'];
const granularityId = (g: Granularity): number => (g === 'statement' ? 0 : g === 'ccw' ? 1 : 2);
const INITIAL = 1024;
/** kindGran bit: the record is a member of a word run (its pay is its header's offset in `hw`). */
const RUN = 0x80;
/** kindGran: the kind id (bits 2–6). */
const idOf = (kg: number): number => (kg >> 2) & 31;
if (KIND_NAMES.length > 32) throw new Error('history: more than 31 encoded kinds do not fit kindGran');
/** Words of a run header for a kind of `w` words: kind id, first seq, d, last seq, base words, step words. */
const headerWords = (w: number): number => 4 + 2 * w;
const H_ID = 0, H_START = 1, H_D = 2, H_LAST = 3, H_BASE = 4;
/** Words kept per kind for a frozen event's reuse (push); wider kinds are always encoded. */
const FROZEN_WORDS = 8;
/** Frozen events kept per kind, and recent events looked among for one that comes again (a power of two). */
const FROZEN_WAYS = 8;
/** A kind's mode for frozen events (HistoryStore.kindMode), and how many of its events are probed. */
const KIND_PROBING = 0, KIND_PLAIN = 1, KIND_FREEZING = 2;
const FROZEN_PROBES = 64;
/** Materialised records kept for repeated reads of the same stop (direct-mapped by seq). */
const CACHE = 256;

export class HistoryStore {
  /** Journal position after each record, + `posDropped` (mod 2^32: only differences matter). */
  private pos = new Uint32Array(INITIAL);
  private node = new Int32Array(INITIAL);
  /** RUN flag | kind id (eventCodec.ts; 0: the event is an object in `objs`) << 2 | granularity. */
  private kindGran = new Uint8Array(INITIAL);
  private n = 0;
  /** seq of record 0: records dropped from the front so far (seqs keep increasing). */
  private first = 0;
  /** Journal entries dropped from the front so far (mod 2^32). */
  private posDropped = 0;
  /** Encoded payloads, in record order; `words[0]` is the first word of the first record kept. */
  private words = new Int32Array(INITIAL * 4);
  private wlen = 0;
  /** Word offset of each record's payload (absolute: + `wdropped`), also for object events (their index then). */
  private pay = new Uint32Array(INITIAL);
  private wdropped = 0;
  /** Events kept as objects, in record order. */
  private objs: ModelEvent[] = [];
  private objsDropped = 0;
  private objBytes = 0;
  /** Runs of (time, thread): the seq each starts at. */
  private runSeq = new Float64Array(64);
  private runTime = new Float64Array(64);
  private runThread = new Int32Array(64);
  /** Stepped runs: records per group (0: the run's time is constant) and the time step per group. */
  private runPer = new Int32Array(64);
  private runDt = new Float64Array(64);
  private runs = 0;
  /** steppedTime's last answer: run index (−1: none; runs dropped or forgotten), group, the seq its next group starts at. */
  private tRun = -1;
  private tG = 0;
  private tEnd = 0;
  readonly strings = new StringTable();
  private cache: Array<HistoryRecord | undefined> = new Array(CACHE);
  /** A run member's words, computed for decoding. */
  private scratch = new Int32Array(Math.max(...KIND_WORDS));
  /** Run headers (headerWords each), in creation order; `hdropped` words dropped from the front. */
  private hw = new Int32Array(256);
  private hlen = 0;
  private hdropped = 0;
  /** Per kind id: the last two records of that kind (indexes; −1 none), for run detection. */
  private last1 = new Int32Array(32).fill(-1);
  private last2 = new Int32Array(32).fill(-1);
  private epochN = 0;
  /**
   * Per kind id: up to FROZEN_WAYS frozen events encoded (each one that came again) and their words
   * (FROZEN_WORDS an event), for `push`; `frozenN` of them are filled, then replaced in turn (`frozenNext`). A frozen event cannot change
   * and string ids are never reused, so the same object encodes to the same words again: a
   * loop's statement events (runner.ts, one frozen event per statement) are copied, not
   * re-encoded (issue 12: a loop of five statements missed a cache of one).
   */
  private frozenEvent: Array<ModelEvent | undefined> = new Array<ModelEvent | undefined>(32 * FROZEN_WAYS).fill(undefined);
  private frozenWords = new Int32Array(32 * FROZEN_WAYS * FROZEN_WORDS);
  private frozenN = new Uint8Array(32);
  private frozenNext = new Uint8Array(32);
  /**
   * Per kind id: the last FROZEN_WAYS frozen-kind event objects encoded (a ring, `seenNext` the
   * next to replace); `Object.isFrozen` (~20 ns) is asked only of an event that comes again.
   */
  private seenEvent: Array<ModelEvent | undefined> = new Array<ModelEvent | undefined>(32 * FROZEN_WAYS).fill(undefined);
  private seenNext = new Uint8Array(32);
  /**
   * Per kind id: KIND_PROBING while its first FROZEN_PROBES events (`probes`) are asked whether
   * they are frozen, then KIND_FREEZING (one was: the ring above is kept) or KIND_PLAIN (none
   * was: no ring, no question — only a matter of speed, never of what is recorded).
   */
  private kindMode = new Uint8Array(32);
  private probes = new Uint8Array(32);
  /** push()'s last two kinds and their ids. */
  private kind1 = '';
  private id1 = 0;
  private kind2 = '';
  private id2 = 0;
  /** An array-like of materialised records (`m.history`), for readers written against arrays. */
  readonly view: readonly HistoryRecord[];

  constructor(private readonly framesOf: (node: number) => ModelFrame[]) {
    this.view = arrayView(this);
  }

  get length(): number {
    return this.n;
  }

  /** Changes whenever records are dropped or forgotten (HISTORY_EPOCH). */
  get epoch(): number {
    return this.epochN;
  }

  /** seq of the first record kept. */
  get firstSeq(): number {
    return this.first;
  }

  /** Estimated bytes held (memoryEstimate.ts): records, payload words, object events, runs, strings. */
  get estimatedBytes(): number {
    return this.n * HISTORY_RECORD_BYTES + (this.wlen + this.hlen) * 4 + this.objBytes + this.runs * HISTORY_RUN_BYTES + this.strings.bytes;
  }

  push(journalPos: number, time: number, thread: number, granularity: Granularity, node: number, event: ModelEvent): void {
    const i = this.n;
    if (i === this.pos.length) this.growRecords(i * 2);
    const seq = this.first + i;
    this.noteTime(seq, time, thread);
    this.pos[i] = (journalPos + this.posDropped) >>> 0;
    this.node[i] = node;
    // consecutive records mostly alternate between two kinds (stmt / instr, ccw.fetch / ccw.chain):
    // the last two kinds' ids first, no Map lookup
    const kind = event.kind;
    let id: number;
    if (kind === this.kind1) id = this.id1;
    else if (kind === this.kind2) {
      id = this.id2;
      this.kind2 = this.kind1;
      this.id2 = this.id1;
      this.kind1 = kind;
      this.id1 = id;
    } else {
      id = kindId(kind);
      this.kind2 = this.kind1;
      this.id2 = this.id1;
      this.kind1 = kind;
      this.id1 = id;
    }
    let flag = 0;
    if (id !== 0) {
      const w = KIND_WORDS[id];
      const need = this.wlen + w;
      if (need > this.words.length) this.words = grow(this.words, Math.max(this.words.length * 2, need));
      const words = this.words;
      const at = this.wlen;
      const fb = id * FROZEN_WAYS;
      const fe = this.frozenEvent;
      let f = 0;
      const fn = this.frozenN[id];
      while (f < fn && fe[fb + f] !== event) f++;
      if (f < fn) flag = this.placeWords(i, id, w, this.frozenWords, (fb + f) * FROZEN_WORDS);
      else if (encodeEvent(event, id, words, at, this.strings)) {
        if (this.kindMode[id] !== KIND_PLAIN) this.seen(event, id, w, at);
        flag = this.placeWords(i, id, w, words, at);
      } else id = 0;
    }
    if (id === 0) {
      this.pay[i] = (this.objs.length + this.objsDropped) >>> 0;
      this.objs.push(event);
      this.objBytes += eventBytes(event);
    }
    this.kindGran[i] = flag | (id << 2) | granularityId(granularity);
    this.n = i + 1;
  }

  /**
   * An event of kind `id` encoded at words[at…] (w words): frozen and met again among the last
   * FROZEN_WAYS of its kind, it joins the frozen ways (while there is room); else it is seen.
   */
  private seen(event: ModelEvent, id: number, w: number, at: number): void {
    const mode = this.kindMode[id];
    if (mode === KIND_PLAIN) return;
    if (mode === KIND_PROBING) {
      // the first events of a kind tell whether it has frozen ones at all (a channel program's
      // CCW events are new objects each time: no ring kept for them, issue 12)
      if (Object.isFrozen(event)) this.kindMode[id] = KIND_FREEZING;
      else {
        if (++this.probes[id] >= FROZEN_PROBES) this.kindMode[id] = KIND_PLAIN;
        return;
      }
    }
    const sb = id * FROZEN_WAYS;
    const se = this.seenEvent;
    let k = 0;
    while (k < FROZEN_WAYS && se[sb + k] !== event) k++;
    if (k < FROZEN_WAYS) {
      if (w <= FROZEN_WORDS && Object.isFrozen(event)) {
        // a free way, else the ways in turn (a later loop's statements replace an earlier one's)
        const fn = this.frozenN[id];
        const way = fn < FROZEN_WAYS ? fn : this.frozenNext[id]++ & (FROZEN_WAYS - 1);
        this.frozenEvent[sb + way] = event;
        this.frozenWords.set(this.words.subarray(at, at + w), (sb + way) * FROZEN_WORDS);
        if (fn < FROZEN_WAYS) this.frozenN[id] = fn + 1;
      }
      se[sb + k] = undefined; // asked once
      return;
    }
    const next = this.seenNext[id];
    se[sb + next] = event;
    this.seenNext[id] = (next + 1) & (FROZEN_WAYS - 1);
  }

  /**
   * `push` of an event given as its codec words (eventCodec.ts `pageGrabWords`, …): `src[0…]` holds
   * the KIND_WORDS[id] words encodeEvent would write for it. The record is the one `push` makes.
   */
  pushWords(journalPos: number, time: number, thread: number, granularity: Granularity, node: number, id: number, src: Int32Array): void {
    const i = this.n;
    if (i === this.pos.length) this.growRecords(i * 2);
    this.noteTime(this.first + i, time, thread);
    this.pos[i] = (journalPos + this.posDropped) >>> 0;
    this.node[i] = node;
    this.kindGran[i] = this.placeWords(i, id, KIND_WORDS[id], src, 0) | (id << 2) | granularityId(granularity);
    this.n = i + 1;
  }

  /**
   * Record i's words are `src[off…]`: make the record a run member — of the run the last record
   * of its kind is in, or of a new run of the last two and this one — when they are exactly the
   * predicted words at the same seq distance, else keep them at `wlen` (they may be there
   * already: push encodes into `words` at `wlen`). Compared where they are, copied only when
   * kept (issue 12: a NOP chain's records are run members, two per CCW). Returns the RUN flag or 0.
   */
  private placeWords(i: number, id: number, w: number, src: Int32Array, off: number): number {
    const words = this.words;
    const at = this.wlen;
    const l1 = this.last1[id];
    const l2 = this.last2[id];
    this.last2[id] = l1;
    this.last1[id] = i;
    const seq = (this.first + i) | 0;
    if (l1 >= 0) {
      if (this.kindGran[l1] & RUN) {
        // continue l1's run: same distance, words base + j × step
        const hw = this.hw;
        const h = this.pay[l1] - this.hdropped;
        const d = hw[h + H_D];
        if (((seq - hw[h + H_LAST]) | 0) === d) {
          const j = ((seq - hw[h + H_START]) | 0) / d;
          let k = 0;
          while (k < w && src[off + k] === ((hw[h + H_BASE + k] + Math.imul(j, hw[h + H_BASE + w + k])) | 0)) k++;
          if (k === w) {
            hw[h + H_LAST] = seq;
            this.pay[i] = this.pay[l1];
            return RUN;
          }
        }
      } else if (l2 >= 0 && !(this.kindGran[l2] & RUN) && i - l1 === l1 - l2) {
        const wd = this.wdropped;
        const p1 = this.pay[l1] - wd;
        const p2 = this.pay[l2] - wd;
        let k = 0;
        while (k < w && src[off + k] === ((words[p1 + k] + ((words[p1 + k] - words[p2 + k]) | 0)) | 0)) k++;
        if (k === w) {
          // a new run from l2: a header instead of record i's words (they are its prediction)
          const size = headerWords(w);
          if (this.hlen + size > this.hw.length) this.hw = grow(this.hw, Math.max(this.hw.length * 2, this.hlen + size));
          const hw = this.hw;
          const h = this.hlen;
          hw[h + H_ID] = id;
          hw[h + H_START] = (this.first + l2) | 0;
          hw[h + H_D] = i - l1;
          hw[h + H_LAST] = seq;
          for (let q = 0; q < w; q++) {
            hw[h + H_BASE + q] = words[p2 + q];
            hw[h + H_BASE + w + q] = (words[p1 + q] - words[p2 + q]) | 0;
          }
          this.hlen = h + size;
          this.pay[i] = (h + this.hdropped) >>> 0;
          return RUN;
        }
      }
    }
    if (src !== words || off !== at) {
      if (at + w > words.length) this.words = grow(words, Math.max(words.length * 2, at + w));
      const to = this.words;
      for (let k = 0; k < w; k++) to[at + k] = src[off + k];
    }
    this.pay[i] = (at + this.wdropped) >>> 0;
    this.wlen = at + w;
    return 0;
  }

  /** Record i's words: its own in `words`, or a run member's computed into the scratch array. */
  private wordsOf(i: number, id: number): { words: Int32Array; at: number } {
    if (!(this.kindGran[i] & RUN)) return { words: this.words, at: this.pay[i] - this.wdropped };
    const w = KIND_WORDS[id];
    const hw = this.hw;
    const h = this.pay[i] - this.hdropped;
    const j = ((((this.first + i) | 0) - hw[h + H_START]) | 0) / hw[h + H_D];
    const out = this.scratch;
    for (let k = 0; k < w; k++) out[k] = (hw[h + H_BASE + k] + Math.imul(j, hw[h + H_BASE + w + k])) | 0;
    return { words: out, at: 0 };
  }

  /** The event codec words `src[0…]` of kind id `id` stand for (pushWords' input, for listeners). */
  decodeWords(id: number, src: Int32Array): ModelEvent {
    return decodeEvent(id, src, 0, this.strings);
  }

  seq(i: number): number {
    return this.first + i;
  }

  journalPos(i: number): number {
    return (this.pos[i] - this.posDropped) >>> 0;
  }

  nodeOf(i: number): number {
    return this.node[i];
  }

  /** 0 statement, 1 ccw, 2 instruction (navigator.ts Level). */
  level(i: number): number {
    return this.kindGran[i] & 3;
  }

  granularity(i: number): Granularity {
    return GRANULARITIES[this.kindGran[i] & 3];
  }

  kind(i: number): ModelEventKind {
    const id = idOf(this.kindGran[i]);
    return id !== 0 ? KIND_NAMES[id]! : this.objs[this.pay[i] - this.objsDropped].kind;
  }

  time(i: number): number {
    const seq = this.first + i;
    return this.timeIn(this.runOf(seq), seq);
  }

  /** The time of seq in run r: constant, or its group's in a stepped run. */
  private timeIn(r: number, seq: number): number {
    const per = this.runPer[r];
    return per === 0 ? this.runTime[r] : this.runTime[r] + Math.floor((seq - this.runSeq[r]) / per) * this.runDt[r];
  }

  thread(i: number): number {
    return this.runThread[this.runOf(this.first + i)];
  }

  frames(i: number): ModelFrame[] {
    return this.framesOf(this.node[i]);
  }

  /** The event of record i: decoded (a new object each call) or the object kept. */
  event(i: number): ModelEvent {
    const id = idOf(this.kindGran[i]);
    if (id === 0) return this.objs[this.pay[i] - this.objsDropped];
    const { words, at } = this.wordsOf(i, id);
    return decodeEvent(id, words, at, this.strings);
  }

  /** Record i as an object (shared while it stays in the small cache). */
  record(i: number): HistoryRecord {
    const seq = this.first + i;
    const slot = seq & (CACHE - 1);
    const c = this.cache[slot];
    if (c !== undefined && c.seq === seq) return c;
    const run = this.runOf(seq);
    const r: HistoryRecord = {
      seq,
      journalPos: this.journalPos(i),
      time: this.timeIn(run, seq),
      thread: this.runThread[run],
      granularity: this.granularity(i),
      frames: this.framesOf(this.node[i]),
      event: this.event(i),
    };
    this.cache[slot] = r;
    return r;
  }

  /**
   * A reusable record (`at(i)` moves it): its fields are read from the arrays, its event decoded
   * only if read. For tests over many records, each walker with its own; a record to keep is
   * `record(i)`.
   */
  newCursor(): RecordCursor {
    return new RecordCursor(this);
  }

  /** Estimated bytes of record i and its payload (a run member's words are its run header's). */
  bytesOf(i: number): number {
    const kg = this.kindGran[i];
    const id = idOf(kg);
    if (kg & RUN) return HISTORY_RECORD_BYTES;
    return HISTORY_RECORD_BYTES + (id !== 0 ? KIND_WORDS[id] * 4 : eventBytes(this.objs[this.pay[i] - this.objsDropped]));
  }

  /** Whether record i's words are computed from a run header (for tests and the estimate's readers). */
  inRun(i: number): boolean {
    return (this.kindGran[i] & RUN) !== 0;
  }

  /** End (relative offset) of the words the records before `len` use: the last one with words of its own decides. */
  private wordsEnd(len: number): number {
    for (let i = len - 1; i >= 0; i--) {
      const kg = this.kindGran[i];
      const id = idOf(kg);
      if (id === 0 || kg & RUN) continue;
      return this.pay[i] - this.wdropped + KIND_WORDS[id];
    }
    return 0;
  }

  /** Drop the oldest `count` records; the journal dropped its first `journalEntries` entries. */
  dropOldest(count: number, journalEntries: number): void {
    const n = Math.min(count, this.n);
    if (n <= 0) return;
    const heldBefore = this.n;
    const wordsBefore = this.wlen;
    let objs = 0;
    for (let i = 0; i < n; i++) if (idOf(this.kindGran[i]) === 0) this.objBytes -= eventBytes(this.objs[objs++]);
    // words before the first kept record with words of its own are dropped
    let words = this.wlen;
    for (let i = n; i < this.n; i++) {
      const kg = this.kindGran[i];
      if (idOf(kg) === 0 || kg & RUN) continue;
      words = this.pay[i] - this.wdropped;
      break;
    }
    // headers whose last member is dropped, from the front (a header still used stops the walk)
    const firstKept = (this.first + n) | 0;
    let h = 0;
    while (h < this.hlen && ((this.hw[h + H_LAST] - firstKept) | 0) < 0) h += headerWords(KIND_WORDS[this.hw[h + H_ID]]);
    this.hw.copyWithin(0, h, this.hlen);
    this.hlen -= h;
    this.hdropped = (this.hdropped + h) >>> 0;
    for (let id = 0; id < 32; id++) {
      this.last1[id] = this.last1[id] >= n ? this.last1[id] - n : -1;
      this.last2[id] = this.last2[id] >= n ? this.last2[id] - n : -1;
    }
    this.pos.copyWithin(0, n, this.n);
    this.node.copyWithin(0, n, this.n);
    this.kindGran.copyWithin(0, n, this.n);
    this.pay.copyWithin(0, n, this.n);
    this.words.copyWithin(0, words, this.wlen);
    this.wlen -= words;
    this.wdropped = (this.wdropped + words) >>> 0;
    this.objs.splice(0, objs);
    this.objsDropped = (this.objsDropped + objs) >>> 0;
    this.n -= n;
    this.first += n;
    this.posDropped = (this.posDropped + journalEntries) >>> 0;
    // runs before the one the new first record is in are gone
    this.tRun = -1;
    const keep = this.runOf(this.first);
    if (keep > 0) {
      this.runSeq.copyWithin(0, keep, this.runs);
      this.runTime.copyWithin(0, keep, this.runs);
      this.runThread.copyWithin(0, keep, this.runs);
      this.runPer.copyWithin(0, keep, this.runs);
      this.runDt.copyWithin(0, keep, this.runs);
      this.runs -= keep;
    }
    // give memory back after a large trim (bounded history must bound the arrays too), a quarter
    // at a time, and only when the records held before this trim used under a quarter of the
    // arrays: recording goes on after a trim, and a history refilled to the level it had (a long
    // session at its bound, the bench's loops) would otherwise regrow — fresh memory, every record
    // copied — after each trim (issue 12: 10–15 % of a journaled pin+unpin)
    if (this.pos.length > INITIAL && heldBefore < this.pos.length / 4) this.growRecords(Math.max(INITIAL, this.n * 2, this.pos.length / 4));
    if (this.words.length > INITIAL * 4 && wordsBefore < this.words.length / 4) this.words = grow(this.words, Math.max(INITIAL * 4, this.wlen * 2, this.words.length / 4));
    this.cache.fill(undefined);
    this.epochN++;
  }

  /** Forget the records from `length` on (a timeline forked by an edit). */
  truncate(length: number): void {
    const len = Math.max(0, length);
    if (len >= this.n) return;
    for (let i = this.n - 1; i >= len; i--) if (idOf(this.kindGran[i]) === 0) this.objBytes -= eventBytes(this.objs.pop()!);
    this.wlen = this.wordsEnd(len);
    // headers made by forgotten records go; a run that lost its last members ends at the last kept one
    const endSeq = (this.first + len) | 0;
    let h = 0;
    let keep = 0;
    while (h < this.hlen) {
      const hw = this.hw;
      const size = headerWords(KIND_WORDS[hw[h + H_ID]]);
      const d = hw[h + H_D];
      if (((hw[h + H_START] + 2 * d - endSeq) | 0) >= 0) break; // made by record start + 2d, forgotten
      if (((hw[h + H_LAST] - endSeq) | 0) >= 0) hw[h + H_LAST] = (hw[h + H_START] + d * Math.floor(((endSeq - 1 - hw[h + H_START]) | 0) / d)) | 0;
      h += size;
      keep = h;
    }
    this.hlen = keep;
    // the last two records of each kind among the last kept ones, so their runs can go on
    this.last1.fill(-1);
    this.last2.fill(-1);
    for (let i = len - 1; i >= Math.max(0, len - 64); i--) {
      const id = idOf(this.kindGran[i]);
      if (id === 0) continue;
      if (this.last1[id] < 0) this.last1[id] = i;
      else if (this.last2[id] < 0) this.last2[id] = i;
    }
    this.n = len;
    const end = this.first + len;
    while (this.runs > 0 && this.runSeq[this.runs - 1] >= end) this.runs--;
    this.tRun = -1;
    this.cache.fill(undefined);
    this.epochN++;
  }

  /** Index of the run holding seq (the last run starting at or before it). */
  private runOf(seq: number): number {
    const rs = this.runSeq;
    let lo = 0;
    let hi = this.runs - 1;
    if (rs[hi] <= seq) return hi;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (rs[mid] <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Record seq at (time, thread): in the last run when it predicts that time (the same time, or
   * a stepped run's group time); else the last two runs become a stepped run when this one
   * continues their step exactly (same thread, same length, time + 2 × dt); else a new run.
   */
  private noteTime(seq: number, time: number, thread: number): void {
    const r = this.runs;
    if (r !== 0 && this.runThread[r - 1] === thread) {
      const per = this.runPer[r - 1];
      if (per === 0 ? this.runTime[r - 1] === time : this.steppedTime(r - 1, per, seq) === time) return;
    }
    this.timeChanged(seq, time, thread);
  }

  /**
   * noteTime of a record the last run does not cover: the last two flat runs of the thread become
   * one stepped run when this time continues their step, else a run starts. Apart from noteTime,
   * which every appended record inlines (issue 12: V8's inlining budget).
   */
  private timeChanged(seq: number, time: number, thread: number): void {
    const r = this.runs;
    if (r >= 2 && this.runThread[r - 1] === thread && this.runPer[r - 1] === 0 && this.runPer[r - 2] === 0 && this.runThread[r - 2] === thread) {
      const len = this.runSeq[r - 1] - this.runSeq[r - 2];
      const t0 = this.runTime[r - 2];
      const dt = this.runTime[r - 1] - t0;
      // exact in floating point both ways: timeIn recomputes these same sums
      if (seq - this.runSeq[r - 1] === len && t0 + dt === this.runTime[r - 1] && t0 + 2 * dt === time) {
        this.runPer[r - 2] = len;
        this.runDt[r - 2] = dt;
        this.runs = r - 1;
        return;
      }
    }
    this.addRun(seq, time, thread);
  }

  /**
   * timeIn(r, seq) for the last run, stepped (per > 0), as records are appended: the group is the
   * one of the record before or the next, from the group noteTime found last (its end `tEnd`),
   * without timeIn's division per record (issue 12: a NOP chain appends two records per CCW).
   * The same sum as timeIn, so the same float.
   */
  private steppedTime(r: number, per: number, seq: number): number {
    let g: number;
    if (this.tRun === r && seq >= this.tEnd - per && seq < this.tEnd + per) g = seq >= this.tEnd ? this.tG + 1 : this.tG;
    else g = Math.floor((seq - this.runSeq[r]) / per);
    this.tRun = r;
    this.tG = g;
    this.tEnd = this.runSeq[r] + (g + 1) * per;
    return this.runTime[r] + g * this.runDt[r];
  }

  private addRun(seq: number, time: number, thread: number): void {
    const r = this.runs;
    if (r === this.runSeq.length) {
      this.runSeq = grow(this.runSeq, r * 2);
      this.runTime = grow(this.runTime, r * 2);
      this.runThread = grow(this.runThread, r * 2);
      this.runPer = grow(this.runPer, r * 2);
      this.runDt = grow(this.runDt, r * 2);
    }
    this.runSeq[r] = seq;
    this.runTime[r] = time;
    this.runThread[r] = thread;
    this.runPer[r] = 0;
    this.runDt[r] = 0;
    this.runs = r + 1;
  }

  private growRecords(cap: number): void {
    this.pos = grow(this.pos, cap);
    this.node = grow(this.node, cap);
    this.kindGran = grow(this.kindGran, cap);
    this.pay = grow(this.pay, cap);
  }
}

/** A record read in place: fields from the store's arrays, the event decoded once if read. */
export class RecordCursor implements HistoryRecord {
  private i = 0;
  private ev: ModelEvent | undefined;

  constructor(private readonly h: HistoryStore) {}

  /** Move to record i; returns this. */
  at(i: number): RecordCursor {
    this.i = i;
    this.ev = undefined;
    return this;
  }

  get seq(): number {
    return this.h.seq(this.i);
  }

  get journalPos(): number {
    return this.h.journalPos(this.i);
  }

  get time(): number {
    return this.h.time(this.i);
  }

  get thread(): number {
    return this.h.thread(this.i);
  }

  get granularity(): Granularity {
    return this.h.granularity(this.i);
  }

  get frames(): ModelFrame[] {
    return this.h.frames(this.i);
  }

  get event(): ModelEvent {
    return (this.ev ??= this.h.event(this.i));
  }
}

/**
 * `readonly HistoryRecord[]` over the store: index and `length` answered by the store, anything
 * else (iteration, slice, find, …) by Array.prototype through those, so every reader written
 * against the former array keeps working. Writes are refused (history grows only by emit),
 * except shortening `length`, which truncates as it did on the array.
 */
function arrayView(h: HistoryStore): readonly HistoryRecord[] {
  // a canonical array index ("0", "17", not "017" or "1e3"), parsed without allocating
  const index = (key: string | symbol): number => {
    if (typeof key !== 'string') return -1;
    const n = key.length;
    if (n === 0 || n > 15 || (n > 1 && key.charCodeAt(0) === 48)) return -1;
    let v = 0;
    for (let j = 0; j < n; j++) {
      const c = key.charCodeAt(j) - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    return v;
  };
  type Visit = (r: HistoryRecord, i: number, a: readonly HistoryRecord[]) => unknown;
  // the walks readers use most, straight over the store (Array.prototype would go through the
  // traps twice per element)
  const walks: Record<string, (view: readonly HistoryRecord[]) => unknown> = {
    filter: (view) => (f: Visit) => {
      const out: HistoryRecord[] = [];
      for (let i = 0; i < h.length; i++) {
        const r = h.record(i);
        if (f(r, i, view)) out.push(r);
      }
      return out;
    },
    map: (view) => (f: Visit) => {
      const out: unknown[] = [];
      for (let i = 0; i < h.length; i++) out.push(f(h.record(i), i, view));
      return out;
    },
    forEach: (view) => (f: Visit) => {
      for (let i = 0; i < h.length; i++) f(h.record(i), i, view);
    },
    some: (view) => (f: Visit) => {
      for (let i = 0; i < h.length; i++) if (f(h.record(i), i, view)) return true;
      return false;
    },
    find: (view) => (f: Visit) => {
      for (let i = 0; i < h.length; i++) {
        const r = h.record(i);
        if (f(r, i, view)) return r;
      }
      return undefined;
    },
    findIndex: (view) => (f: Visit) => {
      for (let i = 0; i < h.length; i++) if (f(h.record(i), i, view)) return i;
      return -1;
    },
  };
  return new Proxy([] as HistoryRecord[], {
    get(target, key, receiver) {
      if (key === 'length') return h.length;
      if (key === HISTORY_EPOCH) return h.epoch;
      if (key === HISTORY_CURSOR) return () => h.newCursor();
      const i = index(key);
      if (i >= 0) return i < h.length ? h.record(i) : undefined;
      if (typeof key === 'string' && Object.hasOwn(walks, key)) return walks[key](receiver as readonly HistoryRecord[]);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      const i = index(key);
      if (i >= 0) return i < h.length;
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      const i = index(key);
      if (i >= 0) return i < h.length ? { value: h.record(i), writable: false, enumerable: true, configurable: true } : undefined;
      if (key === 'length') return { value: h.length, writable: true, enumerable: false, configurable: false };
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys(target) {
      const keys: Array<string | symbol> = [];
      for (let i = 0; i < h.length; i++) keys.push(String(i));
      return [...keys, ...Reflect.ownKeys(target)];
    },
    set(_target, key, value) {
      // shortening, as on the former array, forgets the records past it (truncate)
      if (key !== 'length' || typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > h.length) return false;
      h.truncate(value);
      return true;
    },
    deleteProperty() {
      return false;
    },
    defineProperty() {
      return false;
    },
  });
}
