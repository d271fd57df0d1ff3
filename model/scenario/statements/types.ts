/**
 * What a statement definition is: name, syntax, one-line help, reference section and parser.
 * Each statement family has its own file; `index.ts` joins them into the one table shared by
 * the parser, the REPL's `help`, completion and docs/language.md (STYLE §8).
 */
import type { Stmt } from '../ast';
import type { Cursor } from '../cursor';

export type StmtBody = Stmt extends infer S ? (S extends unknown ? Omit<S, 'line' | 'text'> : never) : never;

export interface StatementDef {
  name: string;
  syntax: string;
  help: string;
  /** Reference section the statement's semantics come from. */
  ref: string;
  parse(c: Cursor): StmtBody;
}
