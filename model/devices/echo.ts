/**
 * The echo device: every write-class command stores the bytes it receives, every read-class
 * command returns the bytes of the last write (read backward: from its end); NOP, SENSE and SENSE ID as for every device;
 * any other command is rejected (unit check, sense byte 0 = 0x80 command reject, css §3.6).
 */
import type { Machine } from '../engine/machine';
import { commandClass } from '../css/ccw';
import { Device, type CommandRule, type SenseIdInfo } from './device';

/** [unverified: chosen — a fictional control unit / device type for the lab's echo device] */
export const ECHO_SENSE_ID: SenseIdInfo = { cuType: 0xec00, cuModel: 0x01, devType: 0xec00, devModel: 0x01 };

export const ECHO_RULES: readonly CommandRule[] = [
  {
    name: 'WRITE',
    match: (c) => commandClass(c) === 'write',
    begin: () => ({ kind: 'output', accept: Infinity }),
    end: (d, _c, data) => {
      d.setBuffer(data);
      return 0;
    },
  },
  {
    name: 'READ',
    match: (c) => commandClass(c) === 'read',
    begin: (d) => ({ kind: 'input', data: d.state.buffer }),
  },
  {
    // the device reads its buffer from the end (css §3.3 read backward, [unverified: chosen])
    name: 'READ BACKWARD',
    match: (c) => commandClass(c) === 'read-backward',
    begin: (d) => ({ kind: 'input', data: d.state.buffer.slice().reverse() }),
  },
];

export function createEchoDevice(m: Machine, devno: number, id: SenseIdInfo = ECHO_SENSE_ID): Device {
  return new Device(m, devno, 'echo', id, ECHO_RULES);
}
