/**
 * The one `vscode` namespace of the browser bundle (tools/build.mjs maps every other module's
 * `import * as vscode from 'vscode'` here): the API object's properties are copied once, not
 * once per importing module when it initialises (issue 14, activation time).
 */
export * from 'vscode';
