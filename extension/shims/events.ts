/**
 * The part of Node's `events` module that `@vscode/debugadapter` uses (its ProtocolServer extends
 * EventEmitter and calls on / emit / removeListener), for the browser bundle only: esbuild aliases
 * `events` to this file (tools/build.mjs). A polyfill package would add what nothing here calls.
 */
type Listener = (...args: unknown[]) => void;

export class EventEmitter {
  private readonly listeners = new Map<string | symbol, Listener[]>();

  on(event: string | symbol, listener: Listener): this {
    const list = this.listeners.get(event);
    if (list) list.push(listener);
    else this.listeners.set(event, [listener]);
    return this;
  }

  addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  once(event: string | symbol, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  removeListener(event: string | symbol, listener: Listener): this {
    const list = this.listeners.get(event);
    const i = list ? list.indexOf(listener) : -1;
    if (list && i >= 0) list.splice(i, 1);
    return this;
  }

  off(event: string | symbol, listener: Listener): this {
    return this.removeListener(event, listener);
  }

  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
    return this;
  }

  /** Calls the listeners in order on a copy, so a listener removing itself does not skip the next. */
  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.listeners.get(event);
    if (!list || list.length === 0) return false;
    for (const l of [...list]) l(...args);
    return true;
  }

  listenerCount(event: string | symbol): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export default { EventEmitter };
