/**
 * Completion for `.vlab` (pure: no vscode). Statement names at the start of a line; operands by
 * running the statement's own parser over the line with a probe token at the caret (cursor.ts
 * `probe`): whatever reader looks at the probe says what it wants — a FOLL_* flag, an ORB or
 * PMCW field, a keyword, a process name, a subchannel id. CCW lines, `cpa=`, `data` and `TIC`
 * get names from the document; `expect` gets field paths built from the field tables.
 */
import { Cursor, type Expectation } from '../cursor';
import { lexLine, type Token } from '../lexer';
import { STATEMENTS, STATEMENT_BY_NAME, CCW_COMMANDS, CCW_FLAGS, parseCcwLine } from '../statements';
import { VlabDocument, type DefKind } from './document';
import { ccwCommandDoc, ccwFlagDoc, follDoc, mschFieldDoc, orbFieldDoc, pathChildren, pathHeads } from './knowledge';
import { FOLL_FLAGS } from '../../linux/mm/foll';

export type CompletionKind = 'statement' | 'keyword' | 'flag' | 'field' | 'ccw' | 'name' | 'value' | 'operator';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text to insert when it differs from the label. */
  insertText?: string;
}

export interface CompletionResult {
  items: CompletionItem[];
  /** The 0-based character where the word being completed starts (the replace range start). */
  from: number;
}

const hex = (n: number, w = 4) => n.toString(16).padStart(w, '0');

/** Completions at a 0-based line and character. */
export function completion(text: string, line: number, ch: number, doc = new VlabDocument(text)): CompletionResult {
  const raw = doc.lines[line] ?? '';
  const prefix = raw.slice(0, ch);
  const partial = /[A-Za-z_][A-Za-z0-9_]*$/.exec(prefix)?.[0] ?? '';
  const from = ch - partial.length;
  const none = { items: [], from };
  const lexed = lexLine(prefix.slice(0, from));
  if (lexed.codeEnd < from || lexed.errors.some((e) => /unterminated string/.test(e.message))) return none; // comment or string
  const tokens = lexed.tokens;
  const result = (items: CompletionItem[]) => ({ items: dedupe(items), from });

  if (doc.blockAt(line)) return result(ccwCompletions(doc, tokens, partial, raw));
  if (tokens.length === 0) {
    return result(STATEMENTS.map((s) => ({ label: s.name, kind: 'statement' as const, detail: s.syntax, documentation: `${s.help} (${s.ref})` })));
  }
  const head = tokens[0];
  const def = head.kind === 'word' ? STATEMENT_BY_NAME.get(head.text) : undefined;
  if (!def) return none;
  if (def.name === 'expect') return result(expectCompletions(doc, prefix.slice(0, from), tokens));
  const last = tokens[tokens.length - 1];
  const before = tokens[tokens.length - 2];
  if (last.kind === 'op' && last.text === '=' && before?.kind === 'word' && before.text === 'cpa') return result(names(doc, 'program', 'label'));
  const expected = probe(tokens, partial, from, raw, (c) => def.parse(c));
  return result(fromExpectations(doc, expected));
}

/** Runs `parse` over the tokens before the caret plus a probe token; returns what was expected there. */
function probe(tokens: Token[], partial: string, from: number, source: string, parse: (c: Cursor) => unknown): Expectation[] {
  const token: Token = { kind: 'word', text: partial, col: from + 1 };
  const c = new Cursor([...tokens, token], source);
  c.probe = { token, expected: [] };
  c.next(); // the statement name
  try {
    parse(c);
  } catch {
    // the probe token is rarely what the reader wanted; the expectations are what matter
  }
  return c.probe.expected;
}

function fromExpectations(doc: VlabDocument, expected: Expectation[]): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const e of expected) {
    switch (e.kind) {
      case 'choice':
        for (const v of e.values) out.push({ label: v, kind: choiceKind(v), detail: e.what, documentation: choiceDoc(v, e.what) });
        break;
      case 'keyword':
        out.push({ label: e.value, kind: 'keyword' });
        break;
      case 'op':
        if (e.value === '->') out.push({ label: '->', kind: 'operator', detail: 'bind the result to a name', insertText: '-> ' });
        break;
      case 'word':
        if (/process/.test(e.what)) out.push(...names(doc, 'process'));
        else if (/bound|pages/.test(e.what)) out.push(...names(doc, 'binding'));
        else if (/program|label/.test(e.what) && !/a program name/.test(e.what)) out.push(...names(doc, 'program', 'label'));
        break;
      case 'schid':
        out.push(...subchannels(doc, 'sch'));
        break;
      case 'devno':
        out.push(...subchannels(doc, 'devno'));
        break;
      case 'hex':
        if (/CHPID/i.test(e.what)) out.push(...chpids(doc));
        break;
      default:
        break;
    }
  }
  return out;
}

function choiceKind(v: string): CompletionKind {
  return v.startsWith('FOLL_') ? 'flag' : 'value';
}

function choiceDoc(v: string, what: string): string | undefined {
  if (v.startsWith('FOLL_')) return follDoc(v);
  if (/ORB/.test(what)) return orbFieldDoc(v);
  if (/PMCW/.test(what)) return mschFieldDoc(v);
  return undefined;
}

function names(doc: VlabDocument, ...kinds: DefKind[]): CompletionItem[] {
  return doc.namesOf(...kinds).map((d) => ({
    label: d.name, kind: 'name' as const,
    detail: `${d.kind}${d.addr === undefined ? '' : ` @0x${d.addr.toString(16)}`} (line ${d.line + 1})`,
  }));
}

/** Subchannel ids or device numbers of the devices defined so far (any statement with `sch`/`devno`). */
function subchannels(doc: VlabDocument, key: 'sch' | 'devno'): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (const st of doc.statements) {
    const rec = st as unknown as Record<string, unknown>;
    if (st.k === 'device' || (typeof rec.devno === 'number' && typeof rec.sch === 'number')) {
      const v = rec[key] as number;
      out.push({ label: `0.0.${hex(v)}`, kind: 'value', detail: key === 'sch' ? `subchannel of device 0.0.${hex(rec.devno as number)}` : `device on subchannel 0.0.${hex(rec.sch as number)}` });
    }
  }
  return out;
}

function chpids(doc: VlabDocument): CompletionItem[] {
  return doc.statements.filter((s) => s.k === 'chpid').map((s) => {
    const v = (s as unknown as { chpid: number }).chpid;
    return { label: hex(v, 2), kind: 'value' as const, detail: `CHPID defined on line ${s.line}` };
  });
}

/** Inside `program … end`: commands at the start, then flags and count/data; names after data/TIC. */
function ccwCompletions(doc: VlabDocument, tokens: Token[], partial: string, raw: string): CompletionItem[] {
  const words = tokens.filter((t) => t.kind === 'word');
  const last = tokens[tokens.length - 1];
  const commands = (): CompletionItem[] => [
    ...Object.keys(CCW_COMMANDS).map((k) => ({ label: k, kind: 'ccw' as const, detail: `0x${hex(CCW_COMMANDS[k], 2)}`, documentation: ccwCommandDoc(k) })),
    ...(tokens.length === 0 ? [{ label: 'end', kind: 'keyword' as const, detail: 'closes the program block' }] : []),
  ];
  const labelled = tokens.length >= 2 && tokens[1].kind === 'punct' && tokens[1].text === ':';
  const cmdIndex = labelled ? 2 : 0;
  if (tokens.length <= cmdIndex) return commands();
  const cmd = tokens[cmdIndex];
  if (cmd.kind === 'word' && cmd.text === 'TIC') return tokens.length === cmdIndex + 1 ? names(doc, 'label', 'program') : [];
  if (last.kind === 'word' && last.text === 'data') return names(doc, 'data', 'idal', 'program', 'label');
  if (last.kind === 'word' && (last.text === 'count' || last.text === 'flags')) return [];
  // The CCW parser's own expectations (count, data, flags keywords) plus the flag table.
  const used = new Set(words.map((w) => w.text));
  const c = new Cursor([...tokens, { kind: 'word', text: partial, col: (last?.col ?? 0) + 1 }], raw);
  c.probe = { token: c.tokens[c.tokens.length - 1], expected: [] };
  try {
    parseCcwLine(c, 1);
  } catch {
    // expected
  }
  return [
    ...Object.keys(CCW_FLAGS).filter((f) => !used.has(f)).map((f) => ({ label: f, kind: 'flag' as const, detail: `0x${hex(CCW_FLAGS[f], 2)}`, documentation: ccwFlagDoc(f) })),
    ...fromExpectations(doc, c.probe.expected),
  ];
}

/** `expect PATH OP VALUE`: field paths from the tables, bound names, process names in page(). */
function expectCompletions(doc: VlabDocument, before: string, tokens: Token[]): CompletionItem[] {
  const bindings = new Set(doc.namesOf('binding').map((d) => d.name));
  const body = before.replace(/^\s*expect\b/, '');
  // Inside a call's arguments: sch( → subchannel ids, page( → process names.
  const call = /([A-Za-z_]\w*)\(([^()]*)$/.exec(body);
  if (call) {
    const argIndex = call[2].split(',').length - 1;
    if (call[1] === 'sch' && argIndex === 0) return subchannels(doc, 'sch');
    if (call[1] === 'page' && argIndex === 0) return names(doc, 'process');
    return [];
  }
  const path = /([A-Za-z_]\w*)(\([^()]*\))?((?:\.[A-Za-z_]\w*|\[\d*\])*)\.$/.exec(body);
  if (path) {
    const head = path[1];
    const segs = path[3].split(/[.[\]]/).filter((s) => s !== '' && !/^\d+$/.test(s));
    const indexed = /\[\d*\]/.test(path[3]);
    return pathChildren(head, segs, indexed, bindings).map((n) => ({ label: n.name, kind: 'field' as const, detail: n.detail, documentation: n.doc }));
  }
  const last = tokens[tokens.length - 1];
  if (tokens.length === 1 || (last?.kind === 'op' && /[=<>!]/.test(last.text))) {
    return pathHeads(bindings).map((n) => ({ label: n.name, kind: 'field' as const, detail: n.detail, documentation: n.doc }));
  }
  if (tokens.length >= 2) {
    return ['==', '!=', '<', '<=', '>', '>='].map((op) => ({ label: op, kind: 'operator' as const }));
  }
  return [];
}

function dedupe(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.label) ? false : (seen.add(i.label), true)));
}

/** FOLL_* names, for callers that want the flag list (hover tests, the grammar test). */
export const FOLL_FLAG_NAMES = Object.keys(FOLL_FLAGS);
