/**
 * Expression names for the machine's devices and the host's subchannel registry (issue 11
 * "Devices"): `device(SID).FIELD` (type and SENSE ID identity, css §3.3), `virtio(SID).FIELD` (the
 * virtio-ccw transport state: revision, status, features, indicators, virtqueues) and, in the vfio
 * topology, `cio.subchannels` / `cio(SID).FIELD` (which host subchannels are registered and with
 * which driver, css §6.4, §8.3).
 */
import type { Runner } from './runner';
import { EvalError, toNumber, type Value } from './evaluate';
import { suggestion } from './diagnostics';
import { VirtioDevice } from '../devices/virtio';

type Part = { field: string } | { index: number };

export const DEVICE_PATH_HEADS = ['device', 'virtio', 'cio'] as const;
export const DEVICE_FIELDS = ['type', 'cu_type', 'cu_model', 'dev_type', 'dev_model'] as const;
export const VIRTIO_FIELDS = ['revision', 'status', 'device_id', 'host_features', 'guest_features', 'indicators', 'conf_indicators', 'summary_indicator', 'thinint', 'queues', 'vq'] as const;
const VQ_FIELDS = ['num', 'num_max', 'desc'] as const;
const CIO_FIELDS = ['registered', 'driver'] as const;

const sid = (sch: number) => `0.0.${sch.toString(16).padStart(4, '0')}`;

function field(p: Part | undefined, names: readonly string[], what: string, col: number): string {
  const f = p && 'field' in p ? p.field : '';
  if (!names.includes(f)) throw new EvalError(col, f ? `unknown ${what} field '${f}': expected ${names.join(', ')}${suggestion(f, names)}` : `expected ${what}.FIELD: ${names.join(', ')}`);
  return f;
}

function schOf(args: Value[], col: number, what: string): number {
  return Number(toNumber(args[0] ?? -1n, col, `${what}(SID)`));
}

/** A value, or undefined when `head` is not one of these names. */
export function resolveDevicePath(r: Runner, head: string, args: Value[], parts: Part[], col: number): Value | undefined {
  switch (head) {
    case 'device': {
      const sch = schOf(args, col, 'device');
      const d = r.css.device(sch);
      if (!d) throw new EvalError(col, `no device on subchannel ${sid(sch)} (never defined, or removed)`);
      const f = field(parts[0], DEVICE_FIELDS, 'device(SID)', col);
      const id = d.senseId; // css §3.3: FF, CU type (2), CU model, device type (2), device model
      switch (f) {
        case 'type': return d.type;
        case 'cu_type': return BigInt((id[1] << 8) | id[2]);
        case 'cu_model': return BigInt(id[3]);
        case 'dev_type': return BigInt((id[4] << 8) | id[5]);
        default: return BigInt(id[6]);
      }
    }
    case 'virtio': {
      const sch = schOf(args, col, 'virtio');
      const d = r.css.device(sch);
      if (!(d instanceof VirtioDevice)) throw new EvalError(col, `${sid(sch)} is not a virtio-ccw device${d ? ` (type ${d.type})` : ''}`);
      const v = d.virtio();
      const f = field(parts[0], VIRTIO_FIELDS, 'virtio(SID)', col);
      switch (f) {
        case 'revision': return BigInt(v.revision);
        case 'status': return BigInt(v.status);
        case 'device_id': return BigInt(d.senseId[3]);
        case 'host_features': return v.hostFeatures;
        case 'guest_features': return v.guestFeatures;
        case 'indicators': return v.indicators;
        case 'conf_indicators': return v.confIndicators;
        case 'summary_indicator': return v.summaryIndicator;
        case 'thinint': return v.thinint ? 1n : 0n;
        case 'queues': return BigInt(v.queues.length);
      }
      const i = parts[1];
      if (!i || !('index' in i)) throw new EvalError(col, `expected virtio(SID).vq[N].${VQ_FIELDS.join('|')}`);
      const q = v.queues[i.index];
      if (!q) throw new EvalError(col, `virtio(${sid(sch)}).vq[${i.index}]: the device has ${v.queues.length} virtqueues`);
      const g = field(parts[2], VQ_FIELDS, `virtio(SID).vq[${i.index}]`, col);
      return g === 'num' ? BigInt(q.num) : g === 'num_max' ? BigInt(q.numMax) : q.desc;
    }
    case 'cio': {
      const v = r.vfio;
      if (!v) throw new EvalError(col, "'cio' needs 'topology vfio'");
      if (args.length === 0) {
        field(parts[0], ['subchannels'], 'cio', col);
        return BigInt(v.cio.subchannels.size);
      }
      const hs = v.cio.subchannels.get(schOf(args, col, 'cio'));
      const f = field(parts[0], CIO_FIELDS, 'cio(SID)', col);
      if (f === 'registered') return hs ? 1n : 0n;
      if (!hs) throw new EvalError(col, `host subchannel ${sid(schOf(args, col, 'cio'))} is not registered`);
      return hs.driver;
    }
  }
  return undefined;
}
