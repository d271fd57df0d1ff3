/**
 * The scenario parser for the editor side (diagnostics, the Testing view's items): it brings the
 * statement tables and the model's constants, so it is loaded by the first `.vlab` document
 * validated or the first test file listed, not at activation (issue 14, deferred.ts).
 */
import { deferred } from '../deferred';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (deferred.ts)
export const scenarioParser = deferred('parser', () => require('../../model/scenario/parser') as typeof import('../../model/scenario/parser'));
