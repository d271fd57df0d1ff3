/**
 * A device's scripted rules (`rule SID cmd=… ACTION…`, css §3.3, §4) as Variables rows, and their
 * edits (issue 9 "Edits: … device rules"). A rule shows in the statement's own syntax, one row
 * per action underneath; a typed value is checked by the `rule` statement's parser itself (the
 * same messages as in a scenario file), and the edit replaces the rule in place through the
 * journal, so one Step Back undoes it.
 */
import type { Runner } from '../model/scenario/runner';
import type { ScriptRule } from '../model/devices/device';
import type { DeviceRuleSpec } from '../model/scenario/ast';
import { Cursor, LineError } from '../model/scenario/cursor';
import { lexLine } from '../model/scenario/lexer';
import { STATEMENT_BY_NAME } from '../model/scenario/statements/index';
import { commandName } from './disassembly';

/** The actions of a rule, in the order the statement's help lists them. */
export const RULE_FIELDS = ['data', 'accept', 'residual', 'dstat', 'sense', 'busy', 'reject', 'delay', 'attention', 'times'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const hexList = (b: readonly number[]) => b.map(hex2).join(' ');

/** Bytes as the statement reads them back: `"TEXT"` when plain printable ASCII, else `hex "c1 c2"`. */
function dataText(b: readonly number[]): string {
  return b.every((x) => x >= 0x20 && x <= 0x7e && x !== 0x22 && x !== 0x5c) ? `"${String.fromCharCode(...b)}"` : `hex "${hexList(b)}"`;
}

/** One action's operand as shown in its row and accepted back ('' for a flag that is set). */
function operand(r: ScriptRule, f: RuleField): string | undefined {
  switch (f) {
    case 'data': return r.data === undefined ? undefined : dataText(r.data);
    case 'sense': return r.sense === undefined ? undefined : `"${hexList(r.sense)}"`;
    case 'dstat': return r.dstat === undefined ? undefined : `0x${hex2(r.dstat)}`;
    case 'busy': case 'reject': return r[f] ? 'true' : undefined;
    default: return r[f] === undefined ? undefined : String(r[f]);
  }
}

/** The action `f` as it is written in a `rule` statement. */
function actionText(f: RuleField, op: string): string {
  if (f === 'busy' || f === 'reject') return f;
  if (f === 'dstat') return `dstat=${op}`;
  return `${f} ${op}`;
}

/** A rule's actions in the `rule` statement's syntax (`data "HI" dstat=0x02 times 1`). */
export function ruleText(r: ScriptRule): string {
  const parts = RULE_FIELDS.flatMap((f) => {
    const op = operand(r, f);
    return op === undefined ? [] : [actionText(f, op)];
  });
  return parts.length ? parts.join(' ') : '(no actions: the device type\'s own behaviour)';
}

/** Row name of a rule: its command (unique per device: a later rule for a command replaces the earlier). */
export function ruleName(r: ScriptRule): string {
  return `cmd=0x${hex2(r.cmd)} ${commandName(r.cmd)}`;
}

/**
 * Parse `actions` with the `rule` statement's own parser; throws a one-line Error: prefixed with
 * the column in the typed text for a whole rule, with the action's name for one action (`field`).
 */
function parseActions(sch: number, cmd: number, actions: string, field?: RuleField): ScriptRule {
  const text = `rule 0.0.${sch.toString(16).padStart(4, '0')} cmd=0x${hex2(cmd)} ${actions}`;
  const { tokens, errors } = lexLine(text);
  const where = (col: number) => (field ? `${field}: ` : `rule: column ${Math.max(1, col - (text.length - actions.length))}: `);
  if (errors.length) throw new Error(where(errors[0].col) + errors[0].message);
  const c = new Cursor(tokens, text);
  try {
    c.next();
    const body = STATEMENT_BY_NAME.get('rule')!.parse(c);
    c.end();
    if (body.k !== 'rule') throw new Error('not a rule');
    const spec: DeviceRuleSpec = body.rule;
    return Object.freeze({ ...spec });
  } catch (e) {
    if (e instanceof LineError) throw new Error(where(e.col) + e.message);
    throw e;
  }
}

/** The actions text with action `f` set to `value` ('none' / 'false' remove it). */
function withField(r: ScriptRule, f: RuleField, value: string): string {
  const v = value.trim();
  if (v === '') throw new Error(`${f}: give a value, or none to remove it`);
  const remove = v === 'none' || ((f === 'busy' || f === 'reject') && (v === 'false' || v === '0'));
  if ((f === 'busy' || f === 'reject') && !remove && v !== 'true' && v !== '1') throw new Error(`${f}: expected true or false, got '${v}'`);
  return RULE_FIELDS.flatMap((g) => {
    if (g === f) return remove ? [] : [actionText(f, v)];
    const op = operand(r, g);
    return op === undefined ? [] : [actionText(g, op)];
  }).join(' ');
}

export interface RuleRow {
  name: string;
  value: string;
  /** Validate a typed value; returns the journaled change. Throws a one-line Error. */
  set: (value: string) => () => void;
  fields: Array<{ name: RuleField; value: string; set: (value: string) => () => void }>;
}

/**
 * The scripted rules of the device on subchannel `sch` (the machine's device, also in the vfio
 * topology), newest first as the device consults them; [] when there is no device.
 */
export function ruleRows(runner: Runner, sch: number): RuleRow[] {
  const dev = runner.css.core.devices.get(sch);
  if (!dev) return [];
  return dev.state.script.map((r) => {
    const edit = (actions: string, field?: RuleField) => {
      const next = parseActions(sch, r.cmd, actions, field);
      return () => dev.replaceScript(r, next);
    };
    return {
      name: ruleName(r),
      value: ruleText(r),
      set: (value) => edit(value),
      fields: RULE_FIELDS.map((f) => ({ name: f, value: operand(r, f) ?? (f === 'busy' || f === 'reject' ? 'false' : 'none'), set: (value: string) => edit(withField(r, f, value), f) })),
    };
  });
}
