/**
 * model/limits.ts and the hostile-text rules of the parser (issue 13): the documented table, the
 * static checks at the operand's column, the same limits at run time (a scenario error, never an
 * allocation), message excerpts and escapes, and the per-file diagnostic cap.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_LIMITS, LIMITS, maxHistoryBytes, resolveLimits } from '../../../model/limits';
import { boundMessage, escapeControls, excerpt } from '../../../model/scenario/diagnostics';
import { parseScenario } from '../../../model/scenario/parser';
import { Runner } from '../../../model/scenario/runner';
import { lexLine } from '../../../model/scenario/lexer';
import { LIMITED_KINDS, statementLimitProblem } from '../../../model/scenario/statementLimits';
import { readerIncludeResolver } from '../../../model/scenario/statements/include';
import { corpusFiles } from '../vlabFiles';
import type { Limits } from '../../../model/limits';

const RAISE = 'raise it with CLI --limit NAME=N; editor setting vfioLab.limits';
const DOC = fs.readFileSync(path.resolve(__dirname, '../../../../docs/language.md'), 'utf8');

describe('limits: the table, static checks and run-time checks', () => {
  it('documents every limit of the table with its default in docs/language.md "Limits"', () => {
    const section = DOC.slice(DOC.indexOf('## Limits'));
    for (const l of LIMITS) {
      const row = section.split('\n').find((r) => r.startsWith(`| \`${l.name}\` |`));
      assert.ok(row, l.name);
      assert.ok(row.includes(`| ${l.default}`) && row.includes(l.bounds) && row.includes(l.raise), row);
    }
    assert.equal(maxHistoryBytes, DEFAULT_LIMITS.maxHistoryBytes);
  });

  it('resolves overrides and refuses unknown names and bad values', () => {
    assert.equal(resolveLimits({ maxPages: 5 }).limits.maxPages, 5);
    assert.deepEqual(resolveLimits({ maxPages: -1 }).problems, ['limit maxPages must be a positive integer']);
    assert.deepEqual(resolveLimits([1]).problems, ['limits must be an object of NAME: number']);
    assert.match(resolveLimits({ nope: 1 }).problems[0], /^unknown limit 'nope' \(known: maxFileBytes, /);
  });

  it('reports each page-sized operand beyond maxPages at its column (gup §0: 4 KiB pages)', () => {
    const text = [
      'process app pid 100',
      'vma app 0x10000000 size 8G anon rw',
      'pin_user_pages app 0x10000000 2000000 FOLL_WRITE',
      'gup_test -m 5000',
    ].join('\n');
    const d = parseScenario(text, 'x.vlab').diagnostics.map((x) => `${x.line}:${x.column}-${x.endColumn} ${x.message}`);
    assert.deepEqual(d, [
      `2:25-27 a VMA of 8589934592 bytes (2097152 pages) exceeds limit maxPages (1048576 pages); ${RAISE}`,
      `3:31-38 pin_user_pages of 2000000 pages exceeds limit maxPages (1048576 pages); ${RAISE}`,
      `4:13-17 gup_test -m 5000 exceeds limit maxGupTestMiB (4096 MiB); ${RAISE}`,
    ]);
  });

  it('reports guest memory beyond maxGuestMemoryBytes (storage is allocated whole, css §3.1)', () => {
    const limits = { ...DEFAULT_LIMITS, maxGuestMemoryBytes: 1024 * 1024 };
    const d = parseScenario('memory 2M\n', 'x.vlab', { limits }).diagnostics.map((x) => `${x.line}:${x.column} ${x.message}`);
    assert.deepEqual(d, [`1:8 guest memory of 2097152 bytes exceeds limit maxGuestMemoryBytes (1048576 bytes); ${RAISE}`]);
  });

  it('checks data sizes before building their bytes: each within guest memory, all within maxGuestMemoryBytes', () => {
    const d = parseScenario('data a at 0 zero 2M\n', 'x.vlab').diagnostics.map((x) => `${x.line}:${x.column} ${x.message}`);
    assert.deepEqual(d, ['1:18 data of 2097152 bytes does not fit in guest memory (1048576 bytes, css §3.1)']);
    const limits = { ...DEFAULT_LIMITS, maxGuestMemoryBytes: 2 * 1024 * 1024 };
    const many = 'memory 1M\n' + ['a', 'b', 'c'].map((n) => `data ${n} at 0 fill 0x5a 1M\n`).join('');
    assert.deepEqual(parseScenario(many, 'x.vlab', { limits }).diagnostics.map((x) => `${x.line}:${x.column} ${x.message}`), [
      `4:23 data statements of 3145728 bytes in all exceeds limit maxGuestMemoryBytes (2097152 bytes); ${RAISE}`,
    ]);
  });

  it('checks the same limits at run time, counting the pages the model already holds', () => {
    const limits = { ...DEFAULT_LIMITS, maxPages: 8 };
    const { scenario, diagnostics } = parseScenario('process app pid 100\nvma app 0x10000 size 32K anon rw\npin_user_pages app 0x10000 4 FOLL_WRITE -> a\npin_user_pages app 0x18000 5 FOLL_WRITE -> b\n', 'x.vlab', { limits });
    assert.deepEqual(diagnostics, []);
    const r = new Runner(scenario, limits);
    r.runToEnd();
    assert.deepEqual(r.exceptions.map((x) => `${x.line}: ${x.message}`), [
      `4: scenario error: pin_user_pages of 5 pages with 4 pages already in the model exceeds limit maxPages (8 pages); ${RAISE}`,
    ]);
    // the console's statements meet the same check
    const over = parseScenario('vma app 0x100000 size 64K anon rw', 'x.vlab').scenario.statements[0];
    assert.equal(r.execNow(over), `a VMA of 65536 bytes (16 pages) exceeds limit maxPages (8 pages); ${RAISE}`);
  });

  it('quotes at most 40 characters and escapes control characters', () => {
    assert.equal(excerpt('a'.repeat(41)), `${'a'.repeat(40)}…`);
    assert.equal(escapeControls('a\u0000b\u001bc\u202ed\ufeff\t'), 'a\\x00b\\x1bc\\u202ed\\ufeff\\t');
    assert.equal(boundMessage(`unknown statement '${'w'.repeat(100)}' (did you mean 'x'?)`), `unknown statement '${'w'.repeat(40)}…' (did you mean 'x'?)`);
    assert.ok(boundMessage('x'.repeat(10_000)).length <= 401);
  });

  it('lexes a long line of numbers (one sticky match per token, no slice of the rest)', function () {
    this.timeout(60_000);
    const line = 'idal x at 0x1000 format 2 ' + '1 '.repeat(500_000);
    const { tokens, errors } = lexLine(line);
    assert.equal(errors.length, 0);
    assert.equal(tokens.length, 6 + 500_000);
  });

  it('refuses a number of more than 100 characters instead of parsing it', () => {
    assert.deepEqual(lexLine('cr6 ' + '9'.repeat(200)).errors.map((e) => e.message), [`bad number '${'9'.repeat(40)}…': expected decimal, 0x hex or 0b binary, optionally with K/M/G`]);
  });

  it('stops at maxScenarioLines and at maxIncludes with one error each', () => {
    const limits = { ...DEFAULT_LIMITS, maxScenarioLines: 3 };
    const d = parseScenario('tpi\ntpi\ntpi\ntpi\ntpi\n', 'x.vlab', { limits }).diagnostics.map((x) => `${x.line} ${x.message}`);
    assert.deepEqual(d, [`4 the expanded scenario of more than 3 lines exceeds limit maxScenarioLines (3 lines); ${RAISE}`]);
  });

  it('LIMITED_KINDS holds every kind statementLimitProblem can refuse (the runner checks only those, stmtPlan.ts)', () => {
    // every limit 0 and a full page store: the strictest check each statement can meet
    const zero = Object.fromEntries(LIMITS.map((l) => [l.name, 0])) as unknown as Limits;
    const root = path.resolve(__dirname, '../../../..');
    const resolve = readerIncludeResolver((p) => fs.readFileSync(p, 'utf8'));
    const refused = new Set<string>();
    let statements = 0;
    // the examples and conformance scenarios, and the two kinds they happen not to use
    const texts = corpusFiles(root).map((f) => ({ f, text: fs.readFileSync(f, 'utf8') }));
    texts.push({ f: 'extra.vlab', text: 'repeat 2\n  stsch 0.0.0000\nend\n' });
    for (const { f, text } of texts) {
      for (const st of parseScenario(text, f, { resolve }).scenario.statements) {
        statements++;
        if (statementLimitProblem(st, zero, undefined, 1_000_000)) refused.add(st.k);
      }
    }
    assert.ok(statements > 5000, `${statements} statements`);
    // `memory` is a header (scenario.memorySize), a statement only where the console makes one
    const memory = { k: 'memory', size: 65536, line: 1, text: 'memory 64K' } as unknown as Parameters<typeof statementLimitProblem>[0];
    if (statementLimitProblem(memory, zero)) refused.add('memory');
    for (const k of refused) assert.ok(LIMITED_KINDS.has(k as never), `'${k}' can be beyond a limit but is not in LIMITED_KINDS`);
    // and each kind in the set is one the examples and conformance scenarios show refused
    assert.deepEqual([...LIMITED_KINDS].filter((k) => !refused.has(k)).sort(), []);
  });
});

