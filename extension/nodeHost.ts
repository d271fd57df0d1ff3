/**
 * What only the Node extension host can do, installed by the Node entry at activation (the web
 * entry does not import this file, so `fs` and `worker_threads` stay out of the browser bundle):
 * real paths for `include` confinement and the worker-thread runner of the Testing view.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type * as vscode from 'vscode';
import { useRealPath } from './workspaceFileAccess';
import { useScenarioRunner } from './testing/scenarioRunner';
import { WorkerRunner } from './testing/workerRunner';

export function installNodeHost(extensionUri: vscode.Uri): void {
  useRealPath((p) => fs.realpath(p));
  const script = path.join(extensionUri.fsPath, 'dist', 'testWorker.js');
  useScenarioRunner((parallel) => new WorkerRunner(script, parallel));
}
