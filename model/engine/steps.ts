/**
 * Resumable model work (issue 13 "long REPL work"): a long operation is written once, as a
 * generator that yields its progress between chunks of pages. The one-shot path drives it to
 * the end at once (`runToEnd`); the debug console drives it one slice at a time and yields to
 * the event loop in between, so other requests are answered and the work can be cancelled
 * (undone through the journal). Both paths run the same code, so they give the same result.
 */
import type { Machine } from './machine';

/** How far a resumable operation got: units of work done and the expected total. */
export interface StepProgress {
  done: number;
  total: number;
}

/** A resumable operation returning T; it yields only between consistent chunks of work. */
export type Steps<T> = Generator<StepProgress, T, void>;

/** Work units (pages touched, got, verified or put) between two yields of a resumable operation. */
export const SLICE_UNITS = 1024;

/** Counts work and says when a chunk is complete (the generator yields then). */
export class WorkCounter implements StepProgress {
  done = 0;
  private sinceYield = 0;
  constructor(public total: number) {}

  /** Add `n` units; true when a slice is full (the caller yields `this`). */
  add(n: number): boolean {
    this.done += n;
    this.sinceYield += n;
    if (this.sinceYield < SLICE_UNITS) return false;
    this.sinceYield = 0;
    return true;
  }
}

/** Work that is already finished with `value` (a layer that decided without running the one below). */
export function* doneSteps<T>(value: T): Steps<T> {
  return value;
}

/** The one-shot path: run every slice now. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `m.within(name, …)` around resumable work: the frame is pushed each time the work resumes and
 * popped when it yields, so events carry the same call stack as the one-shot path and nothing
 * of the model's stack is left behind between slices.
 */
export function withinSteps<T>(m: Machine, name: string, inner: Steps<T>, line?: number): Steps<T> {
  // A lean machine pushes no frames (Machine.enter) and never stops being lean (setLean is one-way):
  // the wrapper would only cost a generator per layer (issue 12: a one-page pin nests ~5 of them).
  return m.isLean ? inner : framedSteps(m, name, inner, line);
}

function* framedSteps<T>(m: Machine, name: string, inner: Steps<T>, line: number | undefined): Steps<T> {
  for (;;) {
    // enter/leave, not `within`: no closure per resume (issue 12: a one-page pin resumes ~9 of these)
    const mark = m.enter(name, line);
    let r: IteratorResult<StepProgress, T>;
    try {
      r = inner.next();
    } finally {
      m.leave(mark);
    }
    if (r.done) return r.value;
    yield r.value;
  }
}

/** `m.onThread(thread, …)` around resumable work (the thread is restored between slices). */
export function* onThreadSteps<T>(m: Machine, thread: number, inner: Steps<T>): Steps<T> {
  for (;;) {
    const prev = m.enterThread(thread);
    let r: IteratorResult<StepProgress, T>;
    try {
      r = inner.next();
    } finally {
      m.leaveThread(prev);
    }
    if (r.done) return r.value;
    yield r.value;
  }
}
