/**
 * sysfs views (css §7.2), formatted exactly as the kernel's show functions (the trailing
 * newline of each file is dropped so scenarios can compare the text).
 */
import type { HostCio } from './cio';
import { schibByte } from './subchannel';

const x2 = (n: number) => (n & 0xff).toString(16).padStart(2, '0');

/** `/sys/bus/css/devices/0.0.NNNN/pimpampom`: "%02x %02x %02x" of PIM PAM POM from the cached SCHIB. */
export function pimpampom(cio: HostCio, sch: number): string {
  const img = cio.subchannel(sch).schib;
  return `${x2(schibByte(img, 'pim'))} ${x2(schibByte(img, 'pam'))} ${x2(schibByte(img, 'pom'))}`;
}

/** `/sys/bus/css/devices/0.0.NNNN/chpids`: 8 × "%02x " (00 where the SSD path bit is 0). */
export function chpids(cio: HostCio, sch: number): string {
  const ssd = cio.subchannel(sch).ssd;
  let s = '';
  for (let i = 0; i < 8; i++) s += `${x2(ssd.pathMask & (0x80 >> i) ? ssd.chpids[i] ?? 0 : 0)} `;
  return s;
}

/** `/sys/devices/css0/chp0.XX/status`: "online" / "offline"; undefined if the chp does not exist. */
export function chpStatus(cio: HostCio, chpid: number): string | undefined {
  cio.syncChps();
  const c = cio.chps.get(chpid);
  return c ? (c.state ? 'online' : 'offline') : undefined;
}

/** `/sys/devices/css0/chp0.XX/configure`: 0 standby, 1 configured, 2 reserved, 3 not recognized. */
export function chpConfigure(cio: HostCio, chpid: number): number {
  return cio.port.configured(chpid);
}

/** `/sys/devices/css0/chp0.XX/type`: "%x" of the channel-path type. */
export function chpType(cio: HostCio, chpid: number): string {
  return cio.port.chpType(chpid).toString(16);
}
