/**
 * Completion, hover, outline and go-to-definition for `.vlab`, as thin adapters over the pure
 * services in model/scenario/language (which the unit tests exercise directly).
 */
import * as vscode from 'vscode';
import { completion, definition, documentSymbols, hover, VlabDocument, type CompletionKind, type DocSymbol, type SymbolKind } from '../../model/scenario/language';
import { joinInclude } from '../../model/scenario/statements/include';
import { toUri } from '../workspaceFileAccess';
import { scenarioName } from './workspace';

/** One analysed document per text version, shared by the providers. */
const cache = new WeakMap<vscode.TextDocument, { version: number; doc: VlabDocument }>();
export function analysed(d: vscode.TextDocument): VlabDocument {
  const hit = cache.get(d);
  if (hit && hit.version === d.version) return hit.doc;
  const doc = new VlabDocument(d.getText(), d.uri.toString());
  cache.set(d, { version: d.version, doc });
  return doc;
}

const ITEM_KIND: Record<CompletionKind, vscode.CompletionItemKind> = {
  statement: vscode.CompletionItemKind.Keyword,
  keyword: vscode.CompletionItemKind.Keyword,
  flag: vscode.CompletionItemKind.EnumMember,
  field: vscode.CompletionItemKind.Field,
  ccw: vscode.CompletionItemKind.Function,
  name: vscode.CompletionItemKind.Reference,
  value: vscode.CompletionItemKind.Value,
  operator: vscode.CompletionItemKind.Operator,
};

const SYMBOL_KIND: Record<SymbolKind, vscode.SymbolKind> = {
  section: vscode.SymbolKind.Namespace,
  program: vscode.SymbolKind.Function,
  label: vscode.SymbolKind.Key,
  device: vscode.SymbolKind.Object,
  data: vscode.SymbolKind.Array,
  process: vscode.SymbolKind.Module,
  vma: vscode.SymbolKind.Field,
  name: vscode.SymbolKind.Variable,
};

export const completionProvider: vscode.CompletionItemProvider = {
  provideCompletionItems(document, position) {
    const doc = analysed(document);
    const r = completion(doc.text, position.line, position.character, doc);
    const range = new vscode.Range(position.line, r.from, position.line, position.character);
    return r.items.map((i) => {
      const item = new vscode.CompletionItem(i.label, ITEM_KIND[i.kind]);
      item.range = range;
      if (i.detail) item.detail = i.detail;
      if (i.documentation) item.documentation = new vscode.MarkdownString(i.documentation);
      if (i.insertText) item.insertText = i.insertText;
      else if (i.kind === 'statement') item.insertText = i.label + ' ';
      return item;
    });
  },
};

export const hoverProvider: vscode.HoverProvider = {
  provideHover(document, position) {
    const doc = analysed(document);
    const h = hover(doc.text, position.line, position.character, doc);
    return h && new vscode.Hover(new vscode.MarkdownString(h.contents), new vscode.Range(h.line, h.from, h.line, h.to));
  },
};

function toSymbol(document: vscode.TextDocument, s: DocSymbol): vscode.DocumentSymbol {
  const end = Math.min(s.endLine, document.lineCount - 1);
  const range = new vscode.Range(s.startLine, 0, end, document.lineAt(end).text.length);
  const sel = new vscode.Range(s.selLine, s.selFrom, s.selLine, Math.max(s.selFrom, s.selTo));
  const sym = new vscode.DocumentSymbol(s.name, s.detail, SYMBOL_KIND[s.kind], range, range.contains(sel) ? sel : range);
  sym.children = s.children.map((c) => toSymbol(document, c));
  return sym;
}

export const symbolProvider: vscode.DocumentSymbolProvider = {
  provideDocumentSymbols(document) {
    const doc = analysed(document);
    return documentSymbols(doc.text, doc).map((s) => toSymbol(document, s));
  },
};

export const definitionProvider: vscode.DefinitionProvider = {
  provideDefinition(document, position) {
    const doc = analysed(document);
    const loc = definition(doc.text, position.line, position.character, doc);
    if (loc) return new vscode.Location(document.uri, new vscode.Range(loc.line, loc.from, loc.line, loc.to));
    // `include "FILE"`: the path opens the included file
    const m = /^(\s*include\s+")([^"]*)"/.exec(document.lineAt(position.line).text);
    if (m && position.character >= m[1].length - 1 && position.character <= m[1].length + m[2].length) {
      return new vscode.Location(toUri(joinInclude(scenarioName(document.uri), m[2])), new vscode.Position(0, 0));
    }
    return undefined;
  },
};
