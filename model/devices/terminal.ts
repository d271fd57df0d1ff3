/**
 * A 3270-style terminal: sense ID reports control unit 3274 and device 3278 model 2; write-class
 * commands (WRITE 0x01, ERASE/WRITE 0x05, ...) fill the screen buffer, read-class commands
 * (READ BUFFER 0x02, READ MODIFIED 0x06) return it — the echo rules with a terminal identity.
 * [unverified: chosen — CU 3274 model 0x41, device 3278 model 0x02; no attention interrupts]
 */
import type { Machine } from '../engine/machine';
import { Device, type SenseIdInfo } from './device';
import { ECHO_RULES } from './echo';

export const TERMINAL_SENSE_ID: SenseIdInfo = { cuType: 0x3274, cuModel: 0x41, devType: 0x3278, devModel: 0x02 };

export function createTerminalDevice(m: Machine, devno: number): Device {
  return new Device(m, devno, 'terminal', TERMINAL_SENSE_ID, ECHO_RULES);
}
