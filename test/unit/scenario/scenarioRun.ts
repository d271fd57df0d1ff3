/** Helpers for scenario unit tests: diagnostics of a text, and a clean run to the end. */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../../model/scenario/parser';
import { formatDiagnostic } from '../../../model/scenario/diagnostics';
import { Runner } from '../../../model/scenario/runner';

/** The diagnostics of `text`, formatted as the CLI prints them (file `f.vlab`). */
export const diags = (text: string): string[] => parseScenario(text, 'f.vlab').diagnostics.map(formatDiagnostic);

/** Parse `lines` (which must have no diagnostic) and run them to the end. */
export function run(lines: string[]): Runner {
  const { scenario, diagnostics } = parseScenario(lines.join('\n'), 'f.vlab');
  assert.deepEqual(diagnostics.map(formatDiagnostic), []);
  const r = new Runner(scenario);
  r.runToEnd();
  return r;
}
