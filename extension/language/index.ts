/**
 * Editor support for `.vlab`: completion, hover, outline, go to definition, diagnostics as you
 * type and the "Run | Debug" CodeLens. One call from activation registers all of it.
 */
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../debugConfigProvider';
import { codeLensProvider } from './codeLens';
import { DiagnosticsPublisher } from './diagnostics';
import { COMPLETION_TRIGGERS, completionProvider, definitionProvider, hoverProvider, symbolProvider } from './providers';

export function registerLanguageFeatures(): vscode.Disposable {
  const selector: vscode.DocumentSelector = { language: LANGUAGE_ID };
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(selector, completionProvider, ...COMPLETION_TRIGGERS),
    vscode.languages.registerHoverProvider(selector, hoverProvider),
    vscode.languages.registerDocumentSymbolProvider(selector, symbolProvider, { label: 'VFIO Lab' }),
    vscode.languages.registerDefinitionProvider(selector, definitionProvider),
    vscode.languages.registerCodeLensProvider(selector, codeLensProvider),
    new DiagnosticsPublisher(),
  );
}
