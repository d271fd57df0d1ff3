/**
 * A status bar item while a VFIO Lab session is stopped: the machine's virtual time and the step
 * (history sequence number) of the stop the views show, e.g. `$(history) VFIO Lab  t=120  step 45`.
 * It follows the active session, says "running" between a run request and the next stop, and
 * hides when no `vlab` session has a state. Clicking it shows the VFIO Lab views.
 */
import * as vscode from 'vscode';
import type { SessionTracker } from './sessionTracker';

export const SHOW_VIEWS_COMMAND = 'vfioLab.showViews';

/** The item's text for a model, or undefined when it should be hidden. Pure, for tests. */
export function statusText(model: { hasState: boolean; running: boolean; time: number; seq: number } | undefined): string | undefined {
  if (!model?.hasState) return undefined;
  if (model.running) return '$(loading~spin) VFIO Lab  running';
  return `$(history) VFIO Lab  t=${model.time}  step ${model.seq}`;
}

export class VlabStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('vfioLab.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly tracker: SessionTracker) {
    this.item.name = 'VFIO Lab: virtual time and step';
    this.item.command = SHOW_VIEWS_COMMAND;
    this.disposables.push(tracker.onDidChange(() => this.update()));
    this.update();
  }

  update(): void {
    const model = this.tracker.current;
    const text = statusText(model);
    if (!text || !model) {
      this.item.hide();
      return;
    }
    this.item.text = text;
    this.item.tooltip = `VFIO Lab session "${model.session.name}": virtual time ${model.time}, history step ${model.seq}. Step Back travels to earlier steps. Click to show the VFIO Lab views.`;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
