/**
 * The `vfio` topology, assembled (PRODUCT §1, css §6–10): the machine's channel subsystem works
 * on host storage (HostMemory); the host kernel's cio layer and vfio_ccw driver sit on it; QEMU
 * (process `qemu`, whose anonymous VMA backs guest memory) relays the guest's I/O instructions.
 *
 * A `device` statement in this topology defines the machine device, binds its subchannel to
 * vfio_ccw, and realizes QEMU's vfio-ccw device, which builds the guest's virtual subchannel
 * (same subchannel and device number as the host's). `enabled` / `isc N` then enable the guest
 * subchannel with MSCH, as the guest's Linux would.
 */
import type { Machine } from '../engine/machine';
import type { KernelFeatures } from '../kernel/version';
import type { GuestMemory } from '../guest/memory';
import { Css, type DeviceSpec } from '../css/css';
import type { Mm } from '../linux/mm/mm';
import { HostCio } from '../linux/cio/cio';
import { HostMemory } from '../linux/vfio-ccw/hostmem';
import { VfioCcw } from '../linux/vfio-ccw/driver';
import { QemuCss } from './css';

export const QEMU_PID = 1000;
export const QEMU_NAME = 'qemu';
/** QEMU vaddr of guest absolute address 0 (the anonymous VMA backing guest RAM). */
export const QEMU_GUEST_BASE = 0x7f0000000000n;
const GUEST_BASE = Number(QEMU_GUEST_BASE);

export class VfioStack {
  readonly hostMem: HostMemory;
  readonly css: Css;
  readonly cio: HostCio;
  readonly vfio: VfioCcw;
  readonly qemu: QemuCss;
  /** Result of the last `region read` (bytes) for expressions. */
  readonly last = { data: new Uint8Array(0) as Uint8Array, region: '' };
  /** Result of the last `vfio irq-info` (VFIO_DEVICE_GET_IRQ_INFO count / flags). */
  readonly lastIrq = { count: 0, flags: 0 };

  constructor(readonly m: Machine, readonly features: KernelFeatures, readonly guest: GuestMemory, readonly mm: Mm) {
    // Boot-time state (before the first statement): not journaled, so stepping back never undoes it.
    const rec = m.journal.recording;
    m.journal.recording = false;
    try {
      mm.addProcess(QEMU_PID, QEMU_NAME);
      const size = BigInt(Math.ceil(guest.size / 4096) * 4096);
      mm.addVma(QEMU_PID, QEMU_GUEST_BASE, size, 'anon', { read: true, write: true });
      this.hostMem = new HostMemory(m, guest, (pfn) => this.guestAddrOfPfn(pfn));
      this.css = new Css(m, this.hostMem);
      this.cio = new HostCio(m, this.css);
      this.vfio = new VfioCcw(m, features, this.css, this.cio, mm, guest, this.hostMem, QEMU_PID, QEMU_GUEST_BASE);
      this.qemu = new QemuCss(m, guest, this.vfio);
      const rc = this.vfio.iommu.mapGuestRam();
      if (rc) throw new Error(`VFIO_IOMMU_MAP_DMA of guest RAM failed: ${rc}`);
    } finally {
      m.journal.recording = rec;
    }
  }

  /**
   * Guest absolute address of the page a PFN backs in QEMU's guest-RAM VMA, if any. Every access
   * of the machine to host storage asks this (issue 12): plain numbers, exact here, since QEMU's
   * vaddrs (vpn << 12, `vaddrOf`) stay below 2^53.
   */
  guestAddrOfPfn(pfn: number): number | undefined {
    const s = this.mm.pages;
    if (!s.valid(pfn) || s.ownerPid[pfn] !== QEMU_PID) return undefined;
    const off = s.ownerVpn[pfn] * 4096 - GUEST_BASE;
    if (off < 0 || off >= this.guest.size) return undefined;
    return off;
  }

  /** `device` in the vfio topology: machine device + vfio_ccw bind + QEMU realize (+ guest MSCH). */
  addDevice(spec: DeviceSpec): void {
    this.css.addDevice({ ...spec, enabled: false });
    this.vfio.bind(spec.sch);
    this.qemu.realize(spec.sch);
    if (spec.enabled) {
      const cc = this.qemu.msch((0x00010000 | spec.sch) >>> 0, { 'pmcw.ena': 1, 'pmcw.isc': spec.isc });
      if (cc !== 0) throw new Error(`guest MSCH to enable 0.0.${spec.sch.toString(16).padStart(4, '0')} gave cc ${cc}`);
    }
  }

  /** Guest address of the CCW a host CCW address was translated from. */
  guestCcwAddr(hostAddr: number): number | undefined {
    return this.vfio.guestCcwAddr(hostAddr);
  }
}
