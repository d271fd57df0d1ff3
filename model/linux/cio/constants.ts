/**
 * Linux channel-path constants (css §7.1): chp_event codes and SCLP configure states.
 */

/** Events a subchannel driver's `chp_event` callback receives (css §7.1). */
export const CHP_EVENT = { ONLINE: 0, OFFLINE: 1, VARY_ON: 2, VARY_OFF: 3 } as const;
export type ChpEvent = (typeof CHP_EVENT)[keyof typeof CHP_EVENT];
export const CHP_EVENT_NAME: Readonly<Record<ChpEvent, string>> = {
  0: 'CHP_ONLINE', 1: 'CHP_OFFLINE', 2: 'CHP_VARY_ON', 3: 'CHP_VARY_OFF',
};

/** `/sys/devices/css0/chp0.XX/configure` values (css §7.1, §7.2). */
export const CHP_STATUS = { STANDBY: 0, CONFIGURED: 1, RESERVED: 2, NOT_RECOGNIZED: 3 } as const;

/** The io_subchannel / vfio_ccw interruption subclass (Linux IO_SCH_ISC, VFIO_CCW_ISC). */
export const IO_SCH_ISC = 3;

const hx = (n: number) => n.toString(16).padStart(2, '0');
export const chpName = (chpid: number): string => `chp0.${hx(chpid)}`;
export const schBusId = (sch: number): string => `0.0.${sch.toString(16).padStart(4, '0')}`;
