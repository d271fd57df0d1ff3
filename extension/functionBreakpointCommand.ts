/**
 * "VFIO Lab: Add Function Breakpoint…" (PRODUCT §3): a QuickPick of the names function
 * breakpoints accept — the I/O instructions and the kernel / QEMU functions the model shows in
 * its frames — then a standard VS Code function breakpoint, so it appears in the Breakpoints
 * view and reaches the adapter through setFunctionBreakpoints. The list comes from the running
 * session (`vlab/functionNames`), or from the same table when no session runs.
 */
import * as vscode from 'vscode';
import * as P from '../debug-adapter/protocol';
import { deferred } from './deferred';
import { DEBUG_TYPE } from './sessionTracker';

/** The names table (it reaches the model's statement tables): loaded when the QuickPick first opens without a session. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (deferred.ts)
const table = deferred('functionNames', () => require('../debug-adapter/functionNames') as typeof import('../debug-adapter/functionNames'));

export const ADD_FUNCTION_BREAKPOINT_COMMAND = 'vfioLab.addFunctionBreakpoint';

async function names(): Promise<P.FunctionNamesResponse> {
  const s = vscode.debug.activeDebugSession;
  if (s && s.type === DEBUG_TYPE) {
    try {
      return (await s.customRequest(P.FUNCTION_NAMES_REQUEST)) as P.FunctionNamesResponse;
    } catch {
      // the session is ending: the table below is the same list
    }
  }
  const { INSTRUCTION_NAMES, FUNCTION_NAMES } = table();
  return { instructions: [...INSTRUCTION_NAMES], functions: [...FUNCTION_NAMES] };
}

/** Add a function breakpoint on `name`, or ask for one; returns the name added. */
export async function addFunctionBreakpoint(name?: unknown): Promise<string | undefined> {
  let pick = typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
  if (!pick) {
    const n = await names();
    const items: vscode.QuickPickItem[] = [
      { label: 'I/O instructions', kind: vscode.QuickPickItemKind.Separator },
      ...n.instructions.map((label) => ({ label, description: 'stop at each statement executing it' })),
      { label: 'Kernel and QEMU functions', kind: vscode.QuickPickItemKind.Separator },
      ...n.functions.map((label) => ({ label, description: 'stop when the model enters it' })),
    ];
    pick = (await vscode.window.showQuickPick(items, { placeHolder: 'Function breakpoint: an instruction or a kernel / QEMU function', matchOnDescription: false }))?.label;
  }
  if (!pick) return undefined;
  vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint(pick)]);
  return pick;
}

export function registerFunctionBreakpointCommand(): vscode.Disposable {
  return vscode.commands.registerCommand(ADD_FUNCTION_BREAKPOINT_COMMAND, (name?: unknown) => addFunctionBreakpoint(name));
}
