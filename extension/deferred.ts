/**
 * Modules the extension loads on first use instead of at activation (issue 14): the debug adapter
 * and the model behind it, the scenario parser, the editor's language services, the Testing
 * view's job runner. In the bundles a `require()` inside a function is where esbuild initialises
 * a module (and everything it imports), so activation only registers light objects and a
 * module's start-up cost is paid by the first debug session, the first `.vlab` document, the
 * first test run. `loadedModules()` says which have been loaded (the host report keeps the list
 * at the end of activation; test/host/activation.test checks it is empty).
 */

/** Each module loaded on first use, by name (the host report and the tests use the names). */
export type DeferredModule = 'debugAdapter' | 'parser' | 'languageServices' | 'scenarioJob' | 'functionNames';

const loaded = new Set<DeferredModule>();

/** A loader that requires the module the first time it is called, and records that it did. */
export function deferred<T>(name: DeferredModule, load: () => T): () => T {
  let module: T | undefined;
  return () => {
    if (module === undefined) {
      module = load();
      loaded.add(name);
    }
    return module;
  };
}

/** The deferred modules loaded so far, in load order. */
export function loadedModules(): DeferredModule[] {
  return [...loaded];
}
