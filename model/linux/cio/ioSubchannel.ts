/**
 * The host's own io_subchannel driver, for subchannels not bound to vfio_ccw (css §7.3):
 * the lpm/opm updates of its chp_event. Path verification and I/O termination are not modelled.
 */
import type { Machine } from '../../engine/machine';
import { CHP_EVENT, type ChpEvent } from './constants';
import { chpSsdGetMask, type HostSubchannel, type SubchannelDriver } from './subchannel';

export function ioSubchannelDriver(m: Machine): SubchannelDriver {
  return {
    name: 'io_subchannel',
    chpEvent(hs: HostSubchannel, chpid: number, event: ChpEvent): number {
      const mask = chpSsdGetMask(hs.ssd, chpid);
      if (!mask) return 0;
      const j = m.journal;
      switch (event) {
        case CHP_EVENT.VARY_OFF: j.set(hs, 'opm', hs.opm & ~mask); j.set(hs, 'lpm', hs.lpm & ~mask); break;
        case CHP_EVENT.VARY_ON: j.set(hs, 'opm', hs.opm | mask); j.set(hs, 'lpm', hs.lpm | mask); break;
        case CHP_EVENT.ONLINE: j.set(hs, 'lpm', hs.lpm | (mask & hs.opm)); break;
        case CHP_EVENT.OFFLINE: break;
      }
      return 0;
    },
  };
}
