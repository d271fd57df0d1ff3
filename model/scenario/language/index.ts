/**
 * Language services for `.vlab` as pure functions (no vscode): completion, hover, document
 * symbols, definition. The extension (extension/language/) wires them into VS Code providers;
 * the tests call them directly. Positions are 0-based lines and characters.
 */
export { completion, type CompletionItem, type CompletionKind, type CompletionResult } from './completion';
export { hover, type Hover } from './hover';
export { documentSymbols, definition, type DocSymbol, type SymbolKind, type Location } from './symbols';
export { VlabDocument, type Definition, type DefKind } from './document';
export { decodeBits, decodeCrw, radixLine, BIT_TABLES } from './decode';
export { runScenarioTest, type TestRunResult, type ExpectOutcome } from './testRun';
