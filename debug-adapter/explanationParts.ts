/**
 * The two constructors the frame explanation tables (kernelExplanationsCss.ts,
 * kernelExplanationsMm.ts) are written with, kept short so the tables read as data.
 */
import type { Explanation, Step } from './kernelSources';

/** One step: its text, the inner frames it calls, the model events it emits. */
export const step = (text: string, calls?: string[], on?: Step['on']): Step => ({ text, ...(calls ? { calls } : {}), ...(on ? { on } : {}) });

/** One function: where the real code lives, the reference sections, what it does, its steps. */
export const explain = (origin: string, refs: string, what: string, steps: Step[]): Explanation => ({ origin, refs, what, steps });
