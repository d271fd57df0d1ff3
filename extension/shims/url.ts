/**
 * Node's `url` module as `@vscode/debugadapter` uses it (`new URL(...)` in path2uri / uri2path),
 * for the browser bundle only: a web worker has the WHATWG `URL` global, which Node's `url.URL` is.
 */
export const URL = globalThis.URL;
export default { URL };
