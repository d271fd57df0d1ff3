/**
 * The tree of model call stacks seen so far (the engine's frames, machine.ts `enter` / `within`):
 * each node is one stack, the path from the root its frames. History records hold a node's id.
 */
import type { ModelFrame } from './events';

/** Slots of a StackNode's per-line cache of children. */
const BY_LINE = 16;

/**
 * A node of the tree of call stacks seen so far: the path from the root is the stack. `within`
 * moves to a child (a Map lookup by name, then by line; no string is built). A history record
 * holds the node's id (history.ts); its frames array is built once per distinct stack.
 */
export class StackNode {
  /** The first child, and a map by name only once there are several (most nodes have one). */
  private kid: StackNode | undefined;
  /** The first child of each name. */
  private kids: Map<string, StackNode> | undefined;
  /** Children found past `kid`, by line mod BY_LINE (child()'s cache; undefined until one is). */
  private byLine: Array<StackNode | undefined> | undefined;
  /**
   * On the first child of a name: the parent's other children of that name, by line (a scenario
   * repeats a statement's text on many lines; a chain of them walked per new line was O(lines):
   * a flat scenario of 6,000 equal statements spent 82 % of its steps there, issue 12).
   */
  private others: Map<number | undefined, StackNode> | undefined;
  private frozen: ModelFrame[] | undefined;
  readonly frame: ModelFrame | undefined;
  /** Index in `registry` (the root's list of every node), what history records store. */
  readonly id: number;

  constructor(
    readonly parent: StackNode | undefined,
    readonly name: string,
    readonly line: number | undefined,
    readonly registry: StackNode[],
  ) {
    if (parent) this.frame = line === undefined ? { name } : { name, line };
    this.id = registry.length;
    registry.push(this);
  }

  child(name: string, line: number | undefined): StackNode {
    const k = this.kid;
    if (k !== undefined && k.name === name && k.line === line) return k;
    // several children (the root: a frame per statement of a loop): the last found per line
    // slot first, so a loop's statements do not look their text up in the Map every step
    const lines = this.byLine;
    const slot = line === undefined ? 0 : line & (BY_LINE - 1);
    if (lines !== undefined) {
      const c = lines[slot];
      if (c !== undefined && c.name === name && c.line === line) return c;
    }
    const head = k === undefined ? undefined : this.kids ? this.kids.get(name) : k.name === name ? k : undefined;
    let n = head === undefined ? undefined : head.line === line ? head : head.others?.get(line);
    if (n !== undefined) {
      (this.byLine ??= new Array<StackNode | undefined>(BY_LINE).fill(undefined))[slot] = n;
      return n;
    }
    n = new StackNode(this, name, line, this.registry);
    if (k === undefined) {
      this.kid = n;
      return n;
    }
    if (!this.kids) {
      this.kids = new Map();
      this.kids.set(k.name, k);
    }
    if (head === undefined) this.kids.set(name, n);
    else (head.others ??= new Map()).set(line, n);
    return n;
  }

  /** Innermost first, shared and frozen (records keep it). */
  frames(): ModelFrame[] {
    if (!this.frozen) {
      const out: ModelFrame[] = [];
      for (let n: StackNode | undefined = this; n && n.frame; n = n.parent) out.push(n.frame);
      this.frozen = Object.freeze(out) as ModelFrame[];
    }
    return this.frozen;
  }
}
