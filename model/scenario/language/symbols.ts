/**
 * Outline and go-to-definition (pure). Symbols: programs with their CCW labels, devices,
 * data/IDAL areas, processes with their VMAs, and sections delimited by `# --- Title` comment
 * lines (a section holds the symbols up to the next section).
 */
import { lexLine } from '../lexer';
import { VlabDocument, tokenAt, type Definition } from './document';

export type SymbolKind = 'section' | 'program' | 'label' | 'device' | 'data' | 'process' | 'vma' | 'name';

export interface DocSymbol {
  name: string;
  detail: string;
  kind: SymbolKind;
  /** 0-based, inclusive lines. */
  startLine: number;
  endLine: number;
  /** The name's range on `selLine`. */
  selLine: number;
  selFrom: number;
  selTo: number;
  children: DocSymbol[];
}

const SECTION = /^\s*#\s*---+\s*(.*?)\s*-*\s*$/;
const hex = (n: number, w = 4) => n.toString(16).padStart(w, '0');

export function documentSymbols(text: string, doc = new VlabDocument(text)): DocSymbol[] {
  const lineLen = (l: number) => (doc.lines[l] ?? '').length;
  const sym = (name: string, detail: string, kind: SymbolKind, startLine: number, endLine: number, from = 0, to = lineLen(startLine)): DocSymbol =>
    ({ name, detail, kind, startLine, endLine, selLine: startLine, selFrom: from, selTo: to, children: [] });
  const defOf = (name: string, line: number): Definition | undefined => doc.definitions.find((d) => d.name === name && d.line === line);
  const items: DocSymbol[] = [];
  const vmasOf = new Map<string, DocSymbol>();
  for (const st of doc.statements) {
    const line = st.line - 1;
    const rec = st as unknown as Record<string, unknown>;
    if (st.k === 'program') {
      const d = defOf(st.name, line);
      const end = st.endLine ? st.endLine - 1 : line;
      const p = sym(st.name, `program @0x${st.addr.toString(16)}, format ${st.format}, ${st.ccws.length} CCW${st.ccws.length === 1 ? '' : 's'}`, 'program', line, end, d?.col, d?.endCol);
      st.ccws.forEach((c, i) => {
        if (!c.label) return;
        const ld = defOf(c.label, c.line - 1);
        p.children.push(sym(c.label, `${c.cmdName} @0x${(st.addr + 8 * i).toString(16)}`, 'label', c.line - 1, c.line - 1, ld?.col, ld?.endCol));
      });
      items.push(p);
    } else if (typeof rec.devno === 'number') {
      const count = typeof rec.count === 'number' && rec.count > 1 ? ` ×${rec.count}` : '';
      const type = typeof rec.type === 'string' ? ` ${rec.type}` : '';
      items.push(sym(`0.0.${hex(rec.devno)}${count}`, `${st.k}${type}${typeof rec.sch === 'number' ? ` on subchannel 0.0.${hex(rec.sch)}` : ''}`, 'device', line, line));
    } else if (st.k === 'data' || st.k === 'idal') {
      const d = defOf(st.name, line);
      const size = st.k === 'data' ? `${st.bytes.length} bytes` : `${st.entries.length} IDAWs, format ${st.format}`;
      items.push(sym(st.name, `${st.k} @0x${st.addr.toString(16)}, ${size}`, 'data', line, line, d?.col, d?.endCol));
    } else if (st.k === 'process') {
      const d = defOf(st.name, line);
      const p = sym(st.name, `process pid ${st.pid}`, 'process', line, line, d?.col, d?.endCol);
      vmasOf.set(st.name, p);
      items.push(p);
    } else if (st.k === 'vma') {
      const v = sym(`0x${st.start.toString(16)}`, `vma ${st.kind}, ${st.size} bytes`, 'vma', line, line);
      const p = vmasOf.get(st.proc);
      if (p) {
        p.children.push(v);
        p.endLine = Math.max(p.endLine, line);
      } else items.push(v);
    } else if (typeof rec.name === 'string') {
      const d = defOf(rec.name, line);
      items.push(sym(rec.name, st.k, 'name', line, line, d?.col, d?.endCol));
    }
  }
  // Sections: `# --- Title` comment lines; each holds the symbols up to the next one.
  const sections: DocSymbol[] = [];
  doc.lines.forEach((l, i) => {
    const m = SECTION.exec(l);
    if (m && lexLine(l).tokens.length === 0) sections.push(sym(m[1] || `section ${sections.length + 1}`, 'section', 'section', i, doc.lines.length - 1));
  });
  if (sections.length === 0) return items;
  sections.forEach((s, i) => {
    if (sections[i + 1]) s.endLine = sections[i + 1].startLine - 1;
  });
  const top: DocSymbol[] = [];
  for (const it of items) {
    const s = sections.find((x) => it.startLine >= x.startLine && it.startLine <= x.endLine);
    if (s) s.children.push(it);
    else top.push(it);
  }
  return [...top, ...sections];
}

export interface Location {
  line: number;
  from: number;
  to: number;
}

/** Where the name under the caret is defined: a label, program, data/IDAL area, process or binding. */
export function definition(text: string, line: number, ch: number, doc = new VlabDocument(text)): Location | undefined {
  const raw = doc.lines[line] ?? '';
  const { tokens, codeEnd } = lexLine(raw);
  if (ch >= codeEnd) return undefined;
  const at = tokenAt(tokens, ch);
  if (!at || at.tok.kind !== 'word') return undefined;
  // a field name after `.` is not a name reference
  const prev = tokens[at.index - 1];
  if (prev?.kind === 'punct' && prev.text === '.') return undefined;
  const d = doc.definitions.find((x) => x.name === at.tok.text);
  return d && { line: d.line, from: d.col, to: d.endCol };
}
