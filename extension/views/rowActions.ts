/**
 * What every row offers (issue 10): copy the value (in the view's radix), copy it as hex, reveal
 * the scenario line or CCW that last changed it (`vlab/lastChange`), add a data breakpoint on it
 * (`vlab/dataBreakpoint`, the contract with the breakpoints side), and open guest memory at the
 * address it names. Each command takes the row from the context menu, or the selected row of the
 * views. Every failure is one line in a message and changes nothing.
 */
import * as vscode from 'vscode';
import type { RadixStore } from '../radix';
import type { SessionTracker } from '../sessionTracker';
import { formatValue } from './format';
import { BaseNode, type RowValue } from './nodes/baseNode';
import { memoryUri, parseGuestAddress } from './memoryDocument';
import { VIEW_KINDS, type ViewKind } from './viewKinds';
import type { VlabView } from './vlabView';

export const ROW_COMMANDS = {
  copyHex: 'vfioLab.copyHex',
  revealLastChange: 'vfioLab.revealLastChange',
  addDataBreakpoint: 'vfioLab.addDataBreakpoint',
  openMemory: 'vfioLab.openMemory',
} as const;

export interface RowActionContext {
  views: Record<ViewKind, VlabView>;
  radix: RadixStore;
  /** The session the views show (open memory without a row). */
  tracker?: SessionTracker;
}

/** The row a command acts on and the view it is in. */
export function targetRow(ctx: RowActionContext, arg: unknown): { node: BaseNode; view: ViewKind } | undefined {
  if (arg instanceof BaseNode) {
    const view = VIEW_KINDS.find((k) => ctx.views[k].owns(arg)) ?? 'subchannels';
    return { node: arg, view };
  }
  for (const k of VIEW_KINDS) {
    const sel = ctx.views[k].treeView.selection[0];
    if (sel && ctx.views[k].treeView.visible) return { node: sel, view: k };
  }
  return undefined;
}

function fail(message: string): { error: string } {
  void vscode.window.showErrorMessage(`VFIO Lab: ${message}`);
  return { error: message };
}

function valueOf(ctx: RowActionContext, arg: unknown): { rv: RowValue; view: ViewKind } | { error: string } {
  const t = targetRow(ctx, arg);
  if (!t) return fail('select a row in a VFIO Lab view first.');
  const rv = t.node.rowValue();
  if (!rv) return fail('this row shows no value.');
  return { rv, view: t.view };
}

/** The value in the view's radix (counts without padding) or in hex. */
export function valueText(rv: RowValue, radix: 'hex' | 'dec' | 'bin'): string {
  if (rv.width === 0) {
    const v = typeof rv.value === 'bigint' ? rv.value : BigInt(Math.trunc(rv.value));
    return radix === 'dec' ? v.toString() : formatValue(v, v === 0n ? 4 : v.toString(2).length, radix);
  }
  return formatValue(rv.value, rv.width, radix);
}

export async function copyValue(ctx: RowActionContext, arg: unknown, hex = false): Promise<string | { error: string }> {
  const r = valueOf(ctx, arg);
  if ('error' in r) return r;
  const text = valueText(r.rv, hex ? 'hex' : ctx.radix.get(r.view));
  await vscode.env.clipboard.writeText(text);
  return text;
}

async function revealLastChange(ctx: RowActionContext, arg: unknown): Promise<unknown> {
  const r = valueOf(ctx, arg);
  if ('error' in r) return r;
  const { rv } = r;
  if (!rv.slot) return fail('this row has no model slot to trace.');
  if (!rv.model.hasState || rv.model.running) return fail('pause the debug session first.');
  try {
    const answer = await rv.model.lastChange(rv.slot);
    if (!answer.found) {
      void vscode.window.showInformationMessage('VFIO Lab: nothing in the kept history changed this value: it has had it since the start.');
      return answer;
    }
    if (answer.file && answer.line !== undefined) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(answer.file));
      const line = Math.max(0, answer.line - 1);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, doc.lineAt(Math.min(line, doc.lineCount - 1)).text.length), preview: true });
    }
    void vscode.window.showInformationMessage(`VFIO Lab: last changed at step ${answer.seq} (time ${answer.time}): ${answer.description ?? ''}`);
    return answer;
  } catch (err) {
    return fail(`cannot find the last change: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function addDataBreakpoint(ctx: RowActionContext, arg: unknown): Promise<unknown> {
  const r = valueOf(ctx, arg);
  if ('error' in r) return r;
  const { rv } = r;
  if (!rv.expression) return fail('no scenario expression names this value, so it cannot be watched.');
  if (!rv.model.live) return fail('the debug session has ended.');
  try {
    const answer = await rv.model.dataBreakpoint(rv.expression);
    void vscode.window.showInformationMessage(`VFIO Lab: data breakpoint on ${answer.description || rv.expression}.`);
    return answer;
  } catch (err) {
    return fail(`cannot add a data breakpoint on ${rv.expression}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function openMemory(ctx: RowActionContext, arg: unknown): Promise<unknown> {
  let address: number | undefined;
  let sessionId = ctx.tracker?.current?.live ? ctx.tracker.current.session.id : undefined;
  if (typeof arg === 'string') {
    const parsed = parseGuestAddress(arg);
    if (!parsed.ok) return fail(parsed.error);
    address = parsed.value;
  } else if (arg instanceof BaseNode || arg === undefined) {
    const t = targetRow(ctx, arg);
    const rv = t?.node.rowValue();
    if (rv?.address !== undefined) {
      address = rv.address;
      sessionId = rv.model.session.id;
    }
  }
  if (address === undefined) {
    const typed = await vscode.window.showInputBox({
      title: 'Open Guest Memory',
      prompt: 'Guest absolute address: 0x hex or decimal',
      validateInput: (t) => {
        const p = parseGuestAddress(t);
        return p.ok ? undefined : p.error;
      },
    });
    if (typed === undefined) return undefined;
    const parsed = parseGuestAddress(typed);
    if (!parsed.ok) return fail(parsed.error);
    address = parsed.value;
  }
  if (!sessionId) return fail('start a VFIO Lab debug session first.');
  const uri = memoryUri(sessionId, address);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
  return uri.toString();
}

export function registerRowActions(ctx: RowActionContext): vscode.Disposable {
  const r = vscode.commands.registerCommand;
  return vscode.Disposable.from(
    r(ROW_COMMANDS.copyHex, (arg: unknown) => copyValue(ctx, arg, true)),
    r(ROW_COMMANDS.revealLastChange, (arg: unknown) => revealLastChange(ctx, arg)),
    r(ROW_COMMANDS.addDataBreakpoint, (arg: unknown) => addDataBreakpoint(ctx, arg)),
    r(ROW_COMMANDS.openMemory, (arg: unknown) => openMemory(ctx, arg)),
  );
}
