/**
 * The vfio-ccw FSM (css §8.3) as transition tables, one per era: (state, event) → action name.
 * 5.8: no OPEN/CLOSE events, STANDBY + INTERRUPT runs the normal irq handler. ≈6.0+: OPEN and
 * CLOSE, STANDBY + INTERRUPT disables the subchannel again. The actions are in fsmActions.ts.
 */
import type { KernelFeatures } from '../../kernel/version';

export const FSM_STATES = ['NOT_OPER', 'STANDBY', 'IDLE', 'CP_PROCESSING', 'CP_PENDING'] as const;
export type FsmState = (typeof FSM_STATES)[number];
export const FSM_EVENTS = ['NOT_OPER', 'IO_REQ', 'INTERRUPT', 'ASYNC_REQ', 'OPEN', 'CLOSE'] as const;
export type FsmEvent = (typeof FSM_EVENTS)[number];

export type FsmAction =
  | 'nop' | 'io_error' | 'async_error' | 'disabled_irq' | 'irq' | 'notoper' | 'io_request' | 'async_request'
  | 'io_retry' | 'async_retry' | 'io_busy' | 'open' | 'close';

export type FsmTable = Readonly<Record<FsmState, Partial<Readonly<Record<FsmEvent, FsmAction>>>>>;

/** Current table (v6.0+, css §8.3). */
export const FSM_OPEN_CLOSE: FsmTable = {
  NOT_OPER: { NOT_OPER: 'nop', IO_REQ: 'io_error', INTERRUPT: 'disabled_irq', ASYNC_REQ: 'async_error', OPEN: 'nop', CLOSE: 'nop' },
  STANDBY: { NOT_OPER: 'notoper', IO_REQ: 'io_error', INTERRUPT: 'disabled_irq', ASYNC_REQ: 'async_error', OPEN: 'open', CLOSE: 'notoper' },
  IDLE: { NOT_OPER: 'notoper', IO_REQ: 'io_request', INTERRUPT: 'irq', ASYNC_REQ: 'async_request', OPEN: 'notoper', CLOSE: 'close' },
  CP_PROCESSING: { NOT_OPER: 'notoper', IO_REQ: 'io_retry', INTERRUPT: 'irq', ASYNC_REQ: 'async_retry', OPEN: 'notoper', CLOSE: 'close' },
  CP_PENDING: { NOT_OPER: 'notoper', IO_REQ: 'io_busy', INTERRUPT: 'irq', ASYNC_REQ: 'async_request', OPEN: 'notoper', CLOSE: 'close' },
};

/** 5.8 table (css §8.3 "Differences in 5.8"): four events. */
export const FSM_58: FsmTable = {
  NOT_OPER: { NOT_OPER: 'nop', IO_REQ: 'io_error', INTERRUPT: 'disabled_irq', ASYNC_REQ: 'async_error' },
  STANDBY: { NOT_OPER: 'notoper', IO_REQ: 'io_error', INTERRUPT: 'irq', ASYNC_REQ: 'async_error' },
  IDLE: { NOT_OPER: 'notoper', IO_REQ: 'io_request', INTERRUPT: 'irq', ASYNC_REQ: 'async_request' },
  CP_PROCESSING: { NOT_OPER: 'notoper', IO_REQ: 'io_retry', INTERRUPT: 'irq', ASYNC_REQ: 'async_retry' },
  CP_PENDING: { NOT_OPER: 'notoper', IO_REQ: 'io_busy', INTERRUPT: 'irq', ASYNC_REQ: 'async_request' },
};

export function fsmTable(f: KernelFeatures): FsmTable {
  return f.vfioCcwOpenClose ? FSM_OPEN_CLOSE : FSM_58;
}

/** Real function names of the actions (the debugger's call stack). */
export const ACTION_FUNCTION: Readonly<Record<FsmAction, string>> = {
  nop: 'fsm_nop', io_error: 'fsm_io_error', async_error: 'fsm_async_error', disabled_irq: 'fsm_disabled_irq', irq: 'fsm_irq',
  notoper: 'fsm_notoper', io_request: 'fsm_io_request', async_request: 'fsm_async_request', io_retry: 'fsm_io_retry',
  async_retry: 'fsm_async_retry', io_busy: 'fsm_io_busy', open: 'fsm_open', close: 'fsm_close',
};
