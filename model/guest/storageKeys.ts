/**
 * The storage keys of guest absolute storage (css §11.1): one key byte per 4 KiB frame, default
 * 0x00, every change journaled so stepping back restores the keys exactly.
 */
import type { Machine } from '../engine/machine';
import { KEY_FRAME, SKEY, referenced, framePieces, type Access } from '../css/keys';

export class StorageKeys {
  /** Key bytes by absolute frame number; change them only through `set` / `mark` (journaled). */
  keys: Uint8Array;
  /**
   * css §11.1: reference and change bits are tracked only once the guest has used a key
   * instruction (KVM `kvm_s390_skey_check_enable`, QEMU TCG: keys stay 0 and untracked until
   * the first SSKE/ISKE/RRBE). The architecture lets R and C be set without a reference, so this
   * is allowed; the protection checks apply from the start (the key is 0x00 until set).
   */
  readonly state = { enabled: false };

  constructor(private readonly m: Machine, size: number) {
    this.keys = new Uint8Array(Math.ceil(size / KEY_FRAME));
  }

  get frames(): number {
    return this.keys.length;
  }

  /** The key byte of the frame holding absolute address `addr` (0 beyond storage). */
  get(addr: number): number {
    return this.keys[Math.floor(addr / KEY_FRAME)] ?? 0;
  }

  /** css §11.2 SSKE: the seven key bits (bit 7 is not part of the key). */
  set(addr: number, key: number): void {
    this.m.journal.setElem(this, 'keys', Math.floor(addr / KEY_FRAME), key & ~SKEY.UNUSED & 0xff);
  }

  /** The first key instruction turns reference/change recording on (see `state.enabled`). */
  enable(): void {
    if (!this.state.enabled) this.m.journal.set(this.state, 'enabled', true);
  }

  /** css §11.1: R on every frame a fetch touches, R and C on every frame a store touches. */
  mark(addr: number, len: number, access: Access): void {
    if (this.state.enabled) this.markFrames(addr, len, access);
  }

  /** `mark` once recording is on (apart: the check alone is inlined into every channel access, issue 12). */
  private markFrames(addr: number, len: number, access: Access): void {
    for (const [a] of framePieces(addr, len)) {
      const i = Math.floor(a / KEY_FRAME);
      if (i >= this.keys.length) continue;
      const k = this.keys[i];
      const n = referenced(k, access);
      if (n !== k) this.m.journal.setElem(this, 'keys', i, n);
    }
  }
}
