/**
 * The stock virtio-ccw device types as data (QEMU hw/s390x/virtio-ccw*.c; virtio 1.x spec §4.3
 * "Virtio over channel I/O", §5 device types): the virtio device ID that SENSE ID reports as the
 * control-unit model, the command codes of the transport, each type's feature bits, virtqueues and
 * configuration space.
 *
 * SENSE ID (QEMU `virtio_ccw_device_realize` + `virtio_ccw_device_plugged`): byte 0 X'FF',
 * CU type 0x3832 (`VIRTIO_CCW_CU_TYPE`), CU model = the virtio device ID
 * (`virtio_bus_get_vdev_id`), device type and model 0 (the SubchDev is zero-allocated), no CIWs.
 */
import type { SenseIdInfo } from './device';

/** `VIRTIO_CCW_CU_TYPE` (QEMU hw/s390x/virtio-ccw.h). */
export const VIRTIO_CCW_CU_TYPE = 0x3832;
/** `VIRTIO_CCW_CHPID_TYPE`: the channel-path type of QEMU's virtual channel path 0 for virtio. */
export const VIRTIO_CCW_CHPID_TYPE = 0x32;

/** virtio-ccw channel commands (QEMU hw/s390x/virtio-ccw.h `CCW_CMD_*`). */
export const VIRTIO_CMD = {
  WRITE_FEAT: 0x11, READ_FEAT: 0x12, SET_VQ: 0x13, WRITE_CONF: 0x21, READ_CONF: 0x22,
  WRITE_STATUS: 0x31, READ_VQ_CONF: 0x32, VDEV_RESET: 0x33, SET_IND: 0x43, SET_CONF_IND: 0x53,
  READ_STATUS: 0x72, SET_IND_ADAPTER: 0x73, SET_VIRTIO_REV: 0x83,
} as const;

/** QEMU `VIRTIO_CCW_MAX_REV`: the highest transport revision the device accepts (property max_rev). */
export const VIRTIO_CCW_MAX_REV = 2;
/** `VIRTIO_QUEUE_MAX` (QEMU include/hw/virtio/virtio.h): queue indexes from 0 to 1023. */
export const VIRTIO_QUEUE_MAX = 1024;
/** `NR_CLASSIC_INDICATOR_BITS`: classic (non-adapter) indicators cover at most 64 queues. */
export const NR_CLASSIC_INDICATOR_BITS = 64;
/** Legacy SET_VQ alignment QEMU requires ("Current code in virtio.c relies on 4K alignment"). */
export const VIRTIO_LEGACY_ALIGN = 4096;

/** Device status bits (virtio spec §2.1). */
export const VIRTIO_STATUS = { ACKNOWLEDGE: 1, DRIVER: 2, DRIVER_OK: 4, FEATURES_OK: 8, NEEDS_RESET: 0x40, FAILED: 0x80 } as const;

/** Transport feature bits (virtio spec §6). */
export const VIRTIO_F = {
  NOTIFY_ON_EMPTY: 24, ANY_LAYOUT: 27, RING_INDIRECT_DESC: 28, RING_EVENT_IDX: 29, VERSION_1: 32,
} as const;

/**
 * Feature bits a revision ≥ 1 driver is not offered (QEMU `VIRTIO_LEGACY_FEATURES`, masked in
 * READ_FEAT index 0 when the revision is ≥ 1): NOTIFY_ON_EMPTY, ANY_LAYOUT, BAD_FEATURE (30).
 */
export const VIRTIO_LEGACY_FEATURES = (1n << 24n) | (1n << 27n) | (1n << 30n);

/**
 * Transport features QEMU offers for every virtio device (`DEFINE_VIRTIO_COMMON_FEATURES`:
 * indirect_desc, event_idx, notify_on_empty, any_layout) plus VERSION_1 (`virtio_ccw_pre_plugged`
 * with max_rev ≥ 1).
 */
export const VIRTIO_COMMON_FEATURES = (1n << 24n) | (1n << 27n) | (1n << 28n) | (1n << 29n) | (1n << 32n);

export type VirtioKind = 'net' | 'blk' | 'rng' | 'balloon';

export interface VirtioProfile {
  /** The virtio device ID (spec §5): the SENSE ID control-unit model. */
  readonly deviceId: number;
  /** Device-specific feature bits (spec §5.x.3), OR-ed with VIRTIO_COMMON_FEATURES. */
  readonly deviceFeatures: bigint;
  /** Maximum size of each virtqueue (READ_VQ_CONF num_max); the array length is the queue count. */
  readonly queues: readonly number[];
  /** Configuration space fields: [size in bytes, value]; little-endian for revision ≥ 1. */
  readonly config: ReadonlyArray<readonly [number, number]>;
  /** Configuration space always little-endian, also for legacy drivers (spec §5.5.4: balloon). */
  readonly configAlwaysLe: boolean;
}

const bits = (...n: number[]) => n.reduce((a, b) => a | (1n << BigInt(b)), 0n);

/**
 * [unverified: chosen — QEMU's feature set depends on the backend and the machine type; these are
 *  the bits QEMU offers with a backend without offloads (net), a plain raw image (blk), the
 *  default properties (balloon: stats queue), with the queue sizes of QEMU's defaults (net rx/tx
 *  256 + ctrl 64; blk one queue of 256; rng 8; balloon inflate/deflate/stats 128) and sample
 *  configuration values (MAC 52:54:00:12:34:56, link up; 2048 sectors of 512 bytes)]
 */
export const VIRTIO_PROFILES: Readonly<Record<VirtioKind, VirtioProfile>> = {
  // spec §5.1: MAC 5, MRG_RXBUF 15, STATUS 16, CTRL_VQ 17, CTRL_RX 18, CTRL_VLAN 19
  net: {
    deviceId: 1, deviceFeatures: bits(5, 15, 16, 17, 18, 19), queues: [256, 256, 64],
    config: [[1, 0x52], [1, 0x54], [1, 0x00], [1, 0x12], [1, 0x34], [1, 0x56], [2, 1]], configAlwaysLe: false,
  },
  // spec §5.2: SEG_MAX 2, GEOMETRY 4, BLK_SIZE 6, FLUSH 9, TOPOLOGY 10; config up to opt_io_size
  blk: {
    deviceId: 2, deviceFeatures: bits(2, 4, 6, 9, 10), queues: [256],
    config: [[8, 2048], [4, 0], [4, 254], [2, 2], [1, 16], [1, 63], [4, 512], [1, 0], [1, 0], [2, 0], [4, 0]], configAlwaysLe: false,
  },
  // spec §5.4: no feature bits, no configuration space, one request queue
  rng: { deviceId: 4, deviceFeatures: 0n, queues: [8], config: [], configAlwaysLe: false },
  // spec §5.5: STATS_VQ 1; config num_pages, actual (always little-endian)
  balloon: { deviceId: 5, deviceFeatures: bits(1), queues: [128, 128, 128], config: [[4, 0], [4, 0]], configAlwaysLe: true },
};

export function virtioSenseId(kind: VirtioKind): SenseIdInfo {
  return { cuType: VIRTIO_CCW_CU_TYPE, cuModel: VIRTIO_PROFILES[kind].deviceId, devType: 0, devModel: 0 };
}

export function hostFeatures(kind: VirtioKind): bigint {
  return VIRTIO_COMMON_FEATURES | VIRTIO_PROFILES[kind].deviceFeatures;
}

/** The configuration space bytes for a transport revision (legacy: the s390 guest's big-endian). */
export function configBytes(kind: VirtioKind, revision: number): number[] {
  const p = VIRTIO_PROFILES[kind];
  const le = p.configAlwaysLe || revision >= 1;
  const out: number[] = [];
  for (const [size, value] of p.config) {
    const field: number[] = [];
    for (let i = 0; i < size; i++) field.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
    out.push(...(le ? field : field.reverse()));
  }
  return out;
}
