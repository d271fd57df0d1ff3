/** The statement table: every family's statements, in one list and one name index. */
import type { StatementDef } from './types';
import { SETUP_STATEMENTS } from './setup';
import { CSS_STATEMENTS } from './css';
import { CSS_EVENT_STATEMENTS } from './cssEvents';
import { GUP_STATEMENTS } from './gup';
import { EXPECT_STATEMENTS } from './expect';
import { VFIO_STATEMENTS } from './vfio';
import { INCLUDE_STATEMENTS } from './include';
import { CPU_STATEMENTS } from './cpu';
import { CONTROL_STATEMENTS } from './control';

export type { StatementDef, StmtBody } from './types';
export { parseExpr } from './common';
export { CCW_COMMANDS, CCW_FLAGS, MSCH_FIELDS, ORB_FIELDS, parseCcwLine } from './css';
export { INCLUDE_STATEMENTS, resolveIncludePath, type IncludeResolver } from './include';
export { GUP_APIS, RELEASE_APIS, VMA_KINDS } from './gup';

export const STATEMENTS: readonly StatementDef[] = [...SETUP_STATEMENTS, ...CSS_STATEMENTS, ...CSS_EVENT_STATEMENTS, ...GUP_STATEMENTS, ...VFIO_STATEMENTS, ...CPU_STATEMENTS, ...EXPECT_STATEMENTS, ...INCLUDE_STATEMENTS, ...CONTROL_STATEMENTS];

export const STATEMENT_BY_NAME: ReadonlyMap<string, StatementDef> = new Map(STATEMENTS.map((s) => [s.name, s]));
