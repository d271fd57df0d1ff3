/**
 * Hover for `.vlab` (pure): statement syntax and help with its reference section; FOLL_* flags
 * with their values in both numbering eras; ORB, PMCW, SCSW and page fields with word, bits and
 * meaning; CCW commands and flags; names (where defined, which address); numbers in hex, decimal
 * and binary, decoded into bit names when they are compared with a status field and into
 * RSC/ERC/RSID when they are a CRW.
 */
import { lexLine, type Token } from '../lexer';
import { CCW_COMMANDS, CCW_FLAGS, MSCH_FIELDS, ORB_FIELDS } from '../statements';
import { VlabDocument, tokenAt } from './document';
import { ccwCodeDoc, ccwCommandDoc, ccwFlagDoc, follDoc, mschFieldDoc, orbFieldDoc, pathDoc, statementDoc } from './knowledge';
import { BIT_TABLES, decodeBits, decodeCrw, radixLine } from './decode';

export interface Hover {
  /** Markdown. */
  contents: string;
  line: number;
  from: number;
  to: number;
}


export function hover(text: string, line: number, ch: number, doc = new VlabDocument(text)): Hover | undefined {
  const raw = doc.lines[line] ?? '';
  const { tokens, codeEnd } = lexLine(raw);
  if (ch >= codeEnd) return undefined;
  const at = tokenAt(tokens, ch);
  if (!at) return undefined;
  const { tok, index } = at;
  const md = describe(doc, line, tokens, tok, index);
  if (!md) return undefined;
  const len = tok.kind === 'string' ? tok.text.length + 2 : tok.text.length;
  return { contents: md, line, from: tok.col - 1, to: tok.col - 1 + len };
}

function describe(doc: VlabDocument, line: number, tokens: Token[], tok: Token, index: number): string | undefined {
  const inBlock = doc.blockAt(line) !== undefined;
  const head = tokens[0];
  const prev = tokens[index - 1];
  const next = tokens[index + 1];
  if (tok.kind === 'word') {
    if (tok.text.startsWith('FOLL_')) return follDoc(tok.text) ?? `**${tok.text}** — not a FOLL_* flag the model knows (gup §2.2)`;
    if (inBlock) {
      if (CCW_COMMANDS[tok.text] !== undefined && (index === 0 || prev?.text === ':')) return ccwCommandDoc(tok.text);
      if (CCW_FLAGS[tok.text] !== undefined) return ccwFlagDoc(tok.text);
      if (tok.text === 'end' && index === 0) return '**end** — closes the `program` block (css §3)';
    } else if (index === 0) {
      const s = statementDoc(tok.text);
      if (s) return `\`\`\`\n${s.detail}\n\`\`\`\n${s.doc}`;
    }
    // name=VALUE operands: ORB fields on ssch, PMCW fields on msch
    if (next?.kind === 'op' && next.text === '=' && head?.kind === 'word') {
      if (head.text === 'ssch' && (ORB_FIELDS as readonly string[]).includes(tok.text)) return orbFieldDoc(tok.text);
      if (head.text === 'msch' && (MSCH_FIELDS as readonly string[]).includes(tok.text)) return mschFieldDoc(tok.text);
    }
    const path = pathAt(tokens, index);
    if (path && head?.text === 'expect') {
      const bindings = new Set(doc.namesOf('binding').map((d) => d.name));
      const d = pathDoc(path.head, path.parts, path.indexed, bindings);
      if (d) return d;
    }
    const def = doc.definitions.find((d) => d.name === tok.text);
    if (def) return `**${def.name}** — ${def.kind}${def.addr === undefined ? '' : ` at guest address 0x${def.addr.toString(16)}`}, defined on line ${def.line + 1}`;
    return undefined;
  }
  if (tok.kind === 'number' && tok.value !== undefined) {
    const v = tok.value;
    let out = radixLine(v);
    if (inBlock && index === (tokens[1]?.text === ':' ? 2 : 0) && v <= 0xffn) return `${out}\n\n${ccwCodeDoc(Number(v))}`;
    const field = fieldBefore(tokens, index);
    if (field) {
      const table = BIT_TABLES[field];
      if (table && v >= 0n && v <= 0xffffffffn) out += `\n\n**${field}**: ${decodeBits(table, Number(v))}`;
      else if (field === 'crw' && v >= 0n && v <= 0xffffffffn) out += `\n\n${decodeCrw(Number(v))}`;
    }
    return out;
  }
  if (tok.kind === 'busid') {
    const num = parseInt(tok.text.split('.')[2], 16);
    const dev = doc.statements.find((s) => {
      const r = s as unknown as { devno?: number; sch?: number };
      // a statement that defines a device has both (`machine remove device` names only the devno)
      return typeof r.devno === 'number' && typeof r.sch === 'number' && (r.devno === num || r.sch === num);
    }) as unknown as { devno: number; sch: number; line: number; k: string } | undefined;
    if (dev) return `device 0.0.${dev.devno.toString(16).padStart(4, '0')} on subchannel 0.0.${dev.sch.toString(16).padStart(4, '0')} (${dev.k} on line ${dev.line})`;
    return `bus id ${tok.text}: css ${tok.text.split('.')[0]}, subchannel set ${tok.text.split('.')[1]}, number 0x${num.toString(16)} (css §5.1)`;
  }
  if (tok.kind === 'string' && head?.text === 'include') return `includes \`${tok.text}\`, relative to this file (PRODUCT §2)`;
  return undefined;
}

/** The dotted path a word token is part of, up to and including it: `irb.scsw.dstat` → irb, [scsw, dstat]. */
function pathAt(tokens: Token[], index: number): { head: string; parts: string[]; indexed: boolean } | undefined {
  // walk left over `.word`, `[n]` and `(…)` to the head word
  let i = index;
  const parts: string[] = [];
  let indexed = false;
  for (;;) {
    const t = tokens[i];
    if (t.kind !== 'word') return undefined;
    const p = tokens[i - 1];
    if (p?.kind === 'punct' && p.text === '.') {
      parts.unshift(t.text);
      i -= 2;
      // skip `[n]` and `( … )`
      while (i >= 0 && tokens[i].kind === 'punct' && (tokens[i].text === ']' || tokens[i].text === ')')) {
        const close = tokens[i].text;
        const open = close === ']' ? '[' : '(';
        if (close === ']') indexed = true;
        let depth = 0;
        for (; i >= 0; i--) {
          if (tokens[i].text === close) depth++;
          else if (tokens[i].text === open && --depth === 0) break;
        }
        i--;
      }
      if (i < 0) return undefined;
      continue;
    }
    return { head: t.text, parts, indexed };
  }
}

/** The field a number is compared with or assigned to: `irb.scsw.dstat == 0x0c` → dstat; `crw == …` → crw. */
function fieldBefore(tokens: Token[], index: number): string | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) continue;
    if (t.kind === 'word') {
      if (BIT_TABLES[t.text]) return t.text;
      return /^(crw|\w*_crw|crw\w*)$/i.test(t.text) && !/^crw\./.test(t.text) ? 'crw' : undefined;
    }
    if (t.kind === 'op' || t.kind === 'punct') continue;
    return undefined;
  }
  return undefined;
}
