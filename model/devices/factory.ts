/** Device type name → device instance (css §3.3 classes are handled by each type's rule table). */
import type { Machine } from '../engine/machine';
import type { Device, DeviceType } from './device';
import { createEchoDevice } from './echo';
import { createDasdDevice } from './dasd';
import { createTerminalDevice } from './terminal';
import { createVirtioDevice } from './virtio';

export function createDevice(m: Machine, type: DeviceType, devno: number): Device {
  switch (type) {
    case 'echo': return createEchoDevice(m, devno);
    case 'dasd': return createDasdDevice(m, devno);
    case 'terminal': return createTerminalDevice(m, devno);
    case 'virtio-net': return createVirtioDevice(m, devno, 'net');
    case 'virtio-blk': return createVirtioDevice(m, devno, 'blk');
    case 'virtio-rng': return createVirtioDevice(m, devno, 'rng');
    case 'virtio-balloon': return createVirtioDevice(m, devno, 'balloon');
  }
}
