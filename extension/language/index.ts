/**
 * Editor support for `.vlab`: completion, hover, outline, go to definition, diagnostics as you
 * type and the "Run | Debug" CodeLens. One call from activation registers all of it.
 *
 * The providers registered here are light forwarders: the language services (providers.ts and
 * model/scenario/language behind it) are loaded by the first request, the parser by the first
 * document validated (issue 14, deferred.ts).
 */
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../debugConfigProvider';
import { deferred } from '../deferred';
import { codeLensProvider } from './codeLens';
import { DiagnosticsPublisher } from './diagnostics';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (deferred.ts)
const services = deferred('languageServices', () => require('./providers') as typeof import('./providers'));

/** Characters after which operands are offered without typing a letter first. */
export const COMPLETION_TRIGGERS = [' ', '.', '|', '=', '(', ','];

export function registerLanguageFeatures(): vscode.Disposable {
  const selector: vscode.DocumentSelector = { language: LANGUAGE_ID };
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(selector, {
      provideCompletionItems: (...args) => services().completionProvider.provideCompletionItems(...args),
    }, ...COMPLETION_TRIGGERS),
    vscode.languages.registerHoverProvider(selector, { provideHover: (...args) => services().hoverProvider.provideHover(...args) }),
    vscode.languages.registerDocumentSymbolProvider(selector, {
      provideDocumentSymbols: (...args) => services().symbolProvider.provideDocumentSymbols(...args),
    }, { label: 'VFIO Lab' }),
    vscode.languages.registerDefinitionProvider(selector, { provideDefinition: (...args) => services().definitionProvider.provideDefinition(...args) }),
    vscode.languages.registerCodeLensProvider(selector, codeLensProvider),
    new DiagnosticsPublisher(),
  );
}
