/**
 * `process` for the browser bundle (esbuild `inject`, tools/build.mjs): `@vscode/debugadapter`
 * reads `process.platform` (path2uri / uri2path) and calls `process.exit` (only when it runs as
 * a stand-alone server, never inline). In the Node.js extension host, which loads the same bundle
 * through `dist/extension.js`, this is Node's own `process`.
 */
interface ProcessLike {
  readonly platform: string;
  exit(code?: number): void;
}

const nodeProcess = (globalThis as { process?: ProcessLike }).process;

const webProcess: ProcessLike = {
  platform: 'browser',
  exit: () => undefined, // a web worker extension host is never ended by an extension
};

const process: ProcessLike = nodeProcess ?? webProcess;
export { process };
