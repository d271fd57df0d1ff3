/**
 * The radix (hex/dec/bin) of each view: a per-view choice remembered across sessions in
 * `context.globalState` (STYLE: peripheral-viewer, radix is first-class and remembered).
 */
import * as vscode from 'vscode';
import { isRadix, nextRadix, type Radix } from './views/format';
import { DEFAULT_RADIX, type ViewKind } from './views/viewKinds';

const key = (view: ViewKind): string => `vfioLab.radix.${view}`;

export class RadixStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ViewKind>();
  /** Fires with the view whose radix changed. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly state: vscode.Memento) {}

  get(view: ViewKind): Radix {
    const stored = this.state.get<unknown>(key(view));
    return isRadix(stored) ? stored : DEFAULT_RADIX[view];
  }

  async set(view: ViewKind, radix: Radix): Promise<void> {
    await this.state.update(key(view), radix);
    this.emitter.fire(view);
  }

  /** hex → dec → bin → hex; returns the new radix. */
  async toggle(view: ViewKind): Promise<Radix> {
    const radix = nextRadix(this.get(view));
    await this.set(view, radix);
    return radix;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
