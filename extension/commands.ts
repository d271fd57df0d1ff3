/**
 * The VFIO Lab commands, each a small factory over the objects it needs (STYLE: rust-analyzer).
 * Ids match package.json `contributes.commands`.
 */
import * as vscode from 'vscode';
import type { RadixStore } from './radix';
import type { SessionTracker } from './sessionTracker';
import { activeScenario, basename, launchConfigFor } from './debugConfigProvider';
import { formatValue, parseFieldValue, RADIXES } from './views/format';
import { FieldNode } from './views/nodes/fieldNode';
import { toViewKind, VIEW_KINDS, VIEW_TITLES, type ViewKind } from './views/viewKinds';
import type { VlabView } from './views/vlabView';
import { copyValue as copyRowValue } from './views/rowActions';

export const COMMANDS = {
  debugScenario: 'vfioLab.debugScenario',
  runScenario: 'vfioLab.runScenario',
  toggleRadix: 'vfioLab.toggleRadix',
  editField: 'vfioLab.editField',
  copyValue: 'vfioLab.copyValue',
} as const;

/** View-title buttons: a view/title menu cannot say which view it belongs to, so one command per view. */
export const toggleRadixCommandOf = (view: ViewKind): string => `vfioLab.${view}.toggleRadix`;

export interface CommandContext {
  tracker: SessionTracker;
  radix: RadixStore;
  views: Record<ViewKind, VlabView>;
}

/** MSCH condition codes other than 0 (css §5.2). */
const MSCH_CC: Record<number, string> = {
  1: 'status pending: the subchannel was not modified',
  2: 'busy (a function is in progress): the subchannel was not modified',
  3: 'not operational: the subchannel is not provided',
};

function scenarioArg(arg: unknown): vscode.Uri | undefined {
  return arg instanceof vscode.Uri ? arg : activeScenario();
}

async function startScenario(arg: unknown, noDebug: boolean): Promise<boolean> {
  const uri = scenarioArg(arg);
  if (!uri) {
    void vscode.window.showErrorMessage('VFIO Lab: open a .vlab scenario first.');
    return false;
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const config = noDebug ? launchConfigFor(uri, { stopOnEntry: false, name: `Run ${basename(uri)}` }) : launchConfigFor(uri, { stopOnEntry: true });
  return vscode.debug.startDebugging(folder, config, noDebug ? { noDebug: true } : undefined);
}

async function toggleRadix(ctx: CommandContext, arg: unknown): Promise<void> {
  let view = toViewKind(arg);
  if (!view) {
    const pick = await vscode.window.showQuickPick(
      VIEW_KINDS.map((kind) => {
        const now = ctx.radix.get(kind);
        const next = RADIXES[(RADIXES.indexOf(now) + 1) % RADIXES.length];
        return { label: VIEW_TITLES[kind], description: `${now} → ${next}`, view: kind };
      }),
      { title: 'VFIO Lab: Toggle Radix', placeHolder: 'Which view?' },
    );
    view = pick?.view;
  }
  if (view) await ctx.radix.toggle(view);
}

function selectedField(ctx: CommandContext, arg: unknown): FieldNode | undefined {
  if (arg instanceof FieldNode) return arg;
  const selected = ctx.views.subchannels.treeView.selection[0];
  return selected instanceof FieldNode ? selected : undefined;
}

async function editField(ctx: CommandContext, arg: unknown): Promise<void> {
  const node = selectedField(ctx, arg);
  if (!node) {
    void vscode.window.showErrorMessage('VFIO Lab: select a field in the Subchannels view to edit it.');
    return;
  }
  const { row, model } = node;
  if (!node.editable || node.sch === undefined) {
    void vscode.window.showErrorMessage(`VFIO Lab: ${row.name} is not modifiable by MSCH (css §5.3).`);
    return;
  }
  if (!model.live) {
    void vscode.window.showErrorMessage('VFIO Lab: the debug session has ended.');
    return;
  }
  if (model.running) {
    void vscode.window.showErrorMessage('VFIO Lab: pause the session before editing a field.');
    return;
  }
  const radix = ctx.radix.get('subchannels');
  const text = await vscode.window.showInputBox({
    title: `Set ${row.name} [${row.bits}] through MSCH`,
    value: formatValue(row.value, row.width, radix),
    prompt: `${row.width}-bit value: decimal, 0x hex or 0b binary. Undo with Step Back.`,
    validateInput: (input) => {
      const parsed = parseFieldValue(input, row.width);
      return parsed.ok ? undefined : parsed.error;
    },
  });
  if (text === undefined) return;
  const parsed = parseFieldValue(text, row.width);
  if (!parsed.ok) {
    void vscode.window.showErrorMessage(`VFIO Lab: ${parsed.error}`);
    return;
  }
  try {
    const answer = await model.setField({ sch: node.sch, field: row.name, value: parsed.text });
    if (answer.cc !== 0) {
      void vscode.window.showWarningMessage(`VFIO Lab: MSCH cc ${answer.cc}, ${MSCH_CC[answer.cc] ?? 'not modified'} (css §5.2).`);
    }
    // The adapter sends `vlab/state` after an edit, which redraws the views.
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`VFIO Lab: cannot set ${row.name}: ${message}`);
  }
}

/** Any row that shows a value, in its view's radix (views/rowActions.ts). */
function copyValue(ctx: CommandContext, arg: unknown): Promise<unknown> {
  return copyRowValue({ views: ctx.views, radix: ctx.radix }, arg);
}

export function registerCommands(ctx: CommandContext): vscode.Disposable {
  const r = vscode.commands.registerCommand;
  return vscode.Disposable.from(
    r(COMMANDS.debugScenario, (arg: unknown) => startScenario(arg, false)),
    r(COMMANDS.runScenario, (arg: unknown) => startScenario(arg, true)),
    r(COMMANDS.toggleRadix, (arg: unknown) => toggleRadix(ctx, arg)),
    ...VIEW_KINDS.map((kind) => r(toggleRadixCommandOf(kind), () => ctx.radix.toggle(kind))),
    r(COMMANDS.editField, (arg: unknown) => editField(ctx, arg)),
    r(COMMANDS.copyValue, (arg: unknown) => copyValue(ctx, arg)),
  );
}
