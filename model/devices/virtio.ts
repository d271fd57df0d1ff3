/**
 * Stock virtio-ccw devices (virtio-net, virtio-blk, virtio-rng, virtio-balloon) as rule tables
 * (QEMU hw/s390x/virtio-ccw.c `virtio_ccw_cb`; virtio spec §4.3). Every command goes through the
 * same channel path as any other device command (css/channel.ts `executeCommand`): the device
 * offers or takes the bytes of its control block, and a count that differs without SLI is
 * incorrect length (css §3.2, §4) — where QEMU answers -EINVAL (a program check) instead, a quirk
 * the architecture does not have (issue 11). Data chaining spreads a block over several CCWs.
 *
 * What the device does with the block (QEMU):
 * * SET_VIRTIO_REV (revision u16, length u16, data): once, before any other virtio command;
 *   revision ≤ max_rev (2); otherwise command reject (-ENOSYS). Any other virtio command first
 *   makes the revision 0 (legacy). Disabling the subchannel (MSCH ENA 1 → 0) forgets it
 *   (`virtio_sch_disable_cb`).
 * * READ_FEAT / WRITE_FEAT (features u32 little-endian, index u8): index 0 = bits 0–31 (without
 *   the legacy bits for revision ≥ 1), index 1 = bits 32–63 (revision ≥ 1 only), others 0.
 * * READ_CONF / WRITE_CONF: the configuration space; READ_STATUS / WRITE_STATUS: the status byte
 *   (0 resets the device); VDEV_RESET: reset.
 * * SET_VQ (legacy: queue u64, align u32, index u16, num u16; revision ≥ 1: desc u64, res u32,
 *   index u16, num u16, avail u64, used u64), READ_VQ_CONF (index u16, num_max u16).
 * * SET_IND / SET_CONF_IND (u64 indicator addresses), SET_IND_ADAPTER (summary u64, device u64,
 *   bit u64, isc u8): classic and adapter indicators exclude each other (command reject).
 * The device reads the index of READ_FEAT / READ_VQ_CONF and the length of SET_VIRTIO_REV from the
 * CCW's data area before it answers (QEMU `ccw_dstream_read` on a read command).
 * [unverified: chosen — where QEMU returns -EINVAL for a block it cannot use (too few bytes with
 *  SLI, queue index ≥ 1024, misaligned legacy queue, too small a queue) the model answers command
 *  reject (unit check, sense byte 0 = 0x80); QEMU gives a program check]
 */
import type { Machine } from '../engine/machine';
import { DSTAT, SENSE0 } from '../css/status';
import { Device, type CommandRule, type DataPeek, type DeviceOp } from './device';
import {
  configBytes, hostFeatures, NR_CLASSIC_INDICATOR_BITS, VIRTIO_CCW_MAX_REV, VIRTIO_CMD, VIRTIO_LEGACY_ALIGN,
  VIRTIO_LEGACY_FEATURES, VIRTIO_PROFILES, VIRTIO_QUEUE_MAX, VIRTIO_STATUS, virtioSenseId, type VirtioKind,
} from './virtioTypes';

const be = (data: readonly number[], off: number, n: number): bigint => {
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(data[off + i] ?? 0);
  return v;
};
const le32 = (data: readonly number[], off: number): number => ((data[off] ?? 0) | ((data[off + 1] ?? 0) << 8) | ((data[off + 2] ?? 0) << 16) | ((data[off + 3] ?? 0) << 24)) >>> 0;
const hi = (v: bigint) => Number((v >> 32n) & 0xffffffffn);
const lo = (v: bigint) => Number(v & 0xffffffffn);

/** The virtio state of one device, read from its journaled registers. */
export interface VirtioState {
  kind: VirtioKind;
  revision: number;
  status: number;
  hostFeatures: bigint;
  guestFeatures: bigint;
  indicators: bigint;
  confIndicators: bigint;
  summaryIndicator: bigint;
  thinint: boolean;
  queues: Array<{ num: number; numMax: number; desc: bigint }>;
}

export class VirtioDevice extends Device {
  constructor(m: Machine, devno: number, readonly kind: VirtioKind) {
    super(m, devno, `virtio-${kind}`, virtioSenseId(kind), VIRTIO_RULES);
  }

  private reg(name: string, dflt = 0): number {
    return this.state.regs[name] ?? dflt;
  }

  private reg64(name: string): bigint {
    return (BigInt(this.reg(`${name}_hi`)) << 32n) | BigInt(this.reg(`${name}_lo`));
  }

  setReg64(name: string, v: bigint): void {
    this.setReg(`${name}_hi`, hi(v));
    this.setReg(`${name}_lo`, lo(v));
  }

  /** -1 until SET_VIRTIO_REV or the first other virtio command. */
  get revision(): number {
    return this.reg('revision', -1);
  }

  get hostFeatures(): bigint {
    return hostFeatures(this.kind);
  }

  get guestFeatures(): bigint {
    return this.reg64('gf');
  }

  virtio(): VirtioState {
    const p = VIRTIO_PROFILES[this.kind];
    return {
      kind: this.kind, revision: this.revision, status: this.reg('status'), hostFeatures: this.hostFeatures,
      guestFeatures: this.guestFeatures, indicators: this.reg64('ind'), confIndicators: this.reg64('cind'),
      summaryIndicator: this.reg64('sum'), thinint: this.reg('thinint') === 1,
      queues: p.queues.map((max, i) => ({ num: this.reg(`vq${i}_num`, max), numMax: max, desc: this.reg64(`vq${i}_desc`) })),
    };
  }

  /** The configuration space as the driver reads it (written bytes replace the device's). */
  config(): number[] {
    const base = configBytes(this.kind, Math.max(0, this.revision));
    const written = this.state.records.config;
    return written ? base.map((b, i) => written[i] ?? b) : base;
  }

  /** `virtio_ccw_reset_virtio`: status, features, queues and indicators back to their reset values. */
  resetVirtio(): void {
    this.setReg('status', 0);
    this.setReg64('gf', 0n);
    for (const name of ['ind', 'cind', 'sum']) this.setReg64(name, 0n);
    this.setReg('thinint', 0);
    VIRTIO_PROFILES[this.kind].queues.forEach((max, i) => {
      this.setReg(`vq${i}_num`, max);
      this.setReg64(`vq${i}_desc`, 0n);
    });
  }

  /** `virtio_sch_disable_cb` (QEMU css_do_msch: ENA 1 → 0): the revision is negotiated again. */
  override onDisable(): void {
    if (this.revision !== -1) this.setReg('revision', -1);
  }
}

function virtioDev(d: Device): VirtioDevice {
  return d as VirtioDevice;
}

/** QEMU: a command other than SET_VIRTIO_REV before any revision makes the device legacy. */
function legacyUnlessNegotiated(d: VirtioDevice): void {
  if (d.revision < 0) d.setReg('revision', 0);
}

/** Command reject (QEMU -ENOSYS, css §3.6): unit check, sense byte 0 = 0x80. */
function reject(d: Device): DeviceOp {
  d.unitCheck(SENSE0.CMD_REJECT);
  return { kind: 'reject' };
}
function rejectAtEnd(d: Device): number {
  d.unitCheck(SENSE0.CMD_REJECT);
  return DSTAT.UC;
}

const peekU16 = (peek: DataPeek | undefined, off: number): number | undefined => {
  const b = peek?.(off, 2);
  return b ? (b[0] << 8) | b[1] : undefined;
};

/** A virtio command: every one first settles the revision (except SET_VIRTIO_REV itself). */
function rule(name: string, cmd: number, begin: (d: VirtioDevice, peek: DataPeek | undefined) => DeviceOp,
  end?: (d: VirtioDevice, data: readonly number[], moved: number) => number): CommandRule {
  return {
    name,
    match: (c) => c === cmd,
    begin: (d, _c, peek) => {
      const v = virtioDev(d);
      if (cmd !== VIRTIO_CMD.SET_VIRTIO_REV) legacyUnlessNegotiated(v);
      return begin(v, peek);
    },
    end: end && ((d, _c, data, moved) => end(virtioDev(d), data, moved)),
  };
}

/** The feature word for `index` (QEMU READ_FEAT). */
export function offeredFeatures(hostF: bigint, revision: number, index: number): number {
  if (index === 0) return lo(revision >= 1 ? hostF & ~VIRTIO_LEGACY_FEATURES : hostF);
  if (index === 1 && revision >= 1) return hi(hostF);
  return 0;
}

export const VIRTIO_RULES: readonly CommandRule[] = [
  rule('SET_VIRTIO_REV', VIRTIO_CMD.SET_VIRTIO_REV, (d, peek) => {
    // -ENOSYS before any data moves (unit check alone, css §5.3 command reject): negotiated
    // already, or a revision above max_rev (read from the block when the CCW holds it)
    if (d.revision >= 0 || (peekU16(peek, 0) ?? 0) > VIRTIO_CCW_MAX_REV) return reject(d);
    return { kind: 'output', accept: 4 + (peekU16(peek, 2) ?? 0) };
  }, (d, data) => {
    if (data.length < 4) return rejectAtEnd(d);
    const revision = Number(be(data, 0, 2));
    const length = Number(be(data, 2, 2));
    if (data.length < 4 + length) return rejectAtEnd(d);
    if (d.revision >= 0 || revision > VIRTIO_CCW_MAX_REV) return rejectAtEnd(d);
    d.setReg('revision', revision);
    return 0;
  }),
  rule('READ_FEAT', VIRTIO_CMD.READ_FEAT, (d, peek) => {
    const index = peek?.(4, 1)?.[0] ?? 0;
    const f = offeredFeatures(d.hostFeatures, d.revision, index);
    return { kind: 'input', data: [f & 0xff, (f >>> 8) & 0xff, (f >>> 16) & 0xff, f >>> 24, index] };
  }),
  rule('WRITE_FEAT', VIRTIO_CMD.WRITE_FEAT, () => ({ kind: 'output', accept: 5 }), (d, data) => {
    if (data.length < 5) return rejectAtEnd(d);
    const f = BigInt(le32(data, 0));
    const index = data[4];
    // virtio_set_features: refused once FEATURES_OK is set; bits the device lacks are dropped
    if (d.virtio().status & VIRTIO_STATUS.FEATURES_OK) return 0;
    const g = d.guestFeatures;
    if (index === 0) d.setReg64('gf', ((g & 0xffffffff00000000n) | f) & d.hostFeatures);
    else if (index === 1 && d.revision >= 1) d.setReg64('gf', ((g & 0xffffffffn) | (f << 32n)) & d.hostFeatures);
    return 0;
  }),
  rule('READ_CONF', VIRTIO_CMD.READ_CONF, (d) => ({ kind: 'input', data: d.config() })),
  rule('WRITE_CONF', VIRTIO_CMD.WRITE_CONF, (d) => ({ kind: 'output', accept: d.config().length }), (d, data) => {
    d.setRecord('config', [...data, ...d.config().slice(data.length)]);
    return 0;
  }),
  rule('READ_STATUS', VIRTIO_CMD.READ_STATUS, (d) => ({ kind: 'input', data: [d.virtio().status] })),
  rule('WRITE_STATUS', VIRTIO_CMD.WRITE_STATUS, () => ({ kind: 'output', accept: 1 }), (d, data) => {
    if (data.length < 1) return rejectAtEnd(d);
    if (data[0] === 0) d.resetVirtio();
    else d.setReg('status', data[0]);
    return 0;
  }),
  rule('VDEV_RESET', VIRTIO_CMD.VDEV_RESET, () => ({ kind: 'control' }), (d) => {
    d.resetVirtio();
    return 0;
  }),
  rule('SET_VQ', VIRTIO_CMD.SET_VQ, (d) => ({ kind: 'output', accept: d.revision < 1 ? 16 : 32 }), (d, data) => {
    const legacy = d.revision < 1;
    if (data.length < (legacy ? 16 : 32)) return rejectAtEnd(d);
    const desc = be(data, 0, 8);
    const align = Number(be(data, 8, 4));
    const index = Number(be(data, 12, 2));
    const num = Number(be(data, 14, 2));
    if (index >= VIRTIO_QUEUE_MAX) return rejectAtEnd(d);
    if (legacy && desc && align !== VIRTIO_LEGACY_ALIGN) return rejectAtEnd(d);
    const q = d.virtio().queues[index];
    if (!q) return 0; // no such queue: virtio_queue_set_addr ignores it (vring.num 0)
    if (desc) {
      if (legacy ? q.num > num : q.numMax < num) return rejectAtEnd(d);
      if (!legacy) d.setReg(`vq${index}_num`, num);
    }
    d.setReg64(`vq${index}_desc`, desc);
    return 0;
  }),
  rule('READ_VQ_CONF', VIRTIO_CMD.READ_VQ_CONF, (d, peek) => {
    const index = peekU16(peek, 0) ?? 0;
    if (index >= VIRTIO_QUEUE_MAX) return reject(d);
    const num = d.virtio().queues[index]?.num ?? 0;
    return { kind: 'input', data: [index >> 8, index & 0xff, num >> 8, num & 0xff] };
  }),
  rule('SET_IND', VIRTIO_CMD.SET_IND, (d) => {
    const v = d.virtio();
    if (v.thinint || v.queues.length > NR_CLASSIC_INDICATOR_BITS) return reject(d);
    return { kind: 'output', accept: 8 };
  }, (d, data) => {
    if (data.length < 8) return rejectAtEnd(d);
    d.setReg64('ind', be(data, 0, 8));
    return 0;
  }),
  rule('SET_CONF_IND', VIRTIO_CMD.SET_CONF_IND, () => ({ kind: 'output', accept: 8 }), (d, data) => {
    if (data.length < 8) return rejectAtEnd(d);
    d.setReg64('cind', be(data, 0, 8));
    return 0;
  }),
  rule('SET_IND_ADAPTER', VIRTIO_CMD.SET_IND_ADAPTER, (d) => {
    const v = d.virtio();
    if (v.indicators && !v.thinint) return reject(d);
    return { kind: 'output', accept: 25 };
  }, (d, data) => {
    if (data.length < 25) return rejectAtEnd(d);
    d.setReg64('sum', be(data, 0, 8));
    d.setReg64('ind', be(data, 8, 8));
    d.setReg('isc', data[24] & 7);
    d.setReg('thinint', 1);
    return 0;
  }),
];

export function createVirtioDevice(m: Machine, devno: number, kind: VirtioKind): VirtioDevice {
  const d = new VirtioDevice(m, devno, kind);
  return d;
}
