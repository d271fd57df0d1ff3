/**
 * The scenario AST. One statement a line; the CCWs of a `program` block are part of their
 * program statement but keep their own lines (breakpoints on CCW lines, PRODUCT §2).
 */
import type { KernelVersion } from '../kernel/version';
import type { DeviceType } from '../devices/device';

export interface Located {
  line: number;
  /** The source text of the line (without comment), for traces and the call stack. */
  text: string;
  /** The file the line is in, when it came from an `include`d file (undefined: the scenario itself). */
  file?: string;
}

/** A value that is either a literal number or a name resolved against data/program labels. */
export type AddrRef = { num: bigint } | { name: string; offset: bigint; col: number };

export interface CcwLine extends Located {
  label?: string;
  cmd: number;
  cmdName: string;
  flags: number;
  count: number;
  /** Data address, or TIC target. */
  cda: AddrRef;
}

export type Expr =
  | { k: 'num'; value: bigint }
  | { k: 'str'; value: string }
  /** `hex "00 ff"`: a byte string (compares with `mem(…)`). */
  | { k: 'bytes'; value: Uint8Array }
  | { k: 'path'; head: string; args: Expr[]; parts: Array<{ field: string } | { index: number }>; col: number }
  | { k: 'unary'; op: '-' | '~'; operand: Expr; col: number }
  | { k: 'binary'; op: BinaryOp; lhs: Expr; rhs: Expr; col: number };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Expression operators (model/scenario/expression.ts has their precedence). */
export type BinaryOp = CompareOp | '|' | '^' | '&' | '<<' | '>>' | '+' | '-' | '*';

/** Setup header (statements/setup.ts). */
export type SetupStmt =
  | { k: 'kernel'; version: KernelVersion }
  | { k: 'topology'; topology: 'native' | 'vfio' }
  | { k: 'memory'; size: number };

/** Channel subsystem (statements/css.ts, exec/css.ts). */
export type CssStmt =
  | { k: 'chpid'; chpid: number; type: number }
  | { k: 'device'; devno: number; sch: number; type: DeviceType; chpids: number[]; isc: number; enabled: boolean }
  | { k: 'data'; name: string; addr: number; bytes: number[] }
  | { k: 'idal'; name: string; addr: number; format: 1 | 2; entries: bigint[] }
  | { k: 'program'; name: string; addr: number; format: 0 | 1; ccws: CcwLine[]; endLine: number }
  | { k: 'ssch'; sch: number; orb: Record<string, AddrRef>; at?: number; rawSid?: number; /** `orb words …`: the raw ORB, reserved bits included (css §2) */ orbWords?: number[] }
  | { k: 'simple-sch'; instr: 'tsch' | 'stsch' | 'hsch' | 'csch' | 'xsch' | 'rsch'; sch: number; at?: number; rawSid?: number }
  | { k: 'msch'; sch: number; changes: Array<{ field: string; value: number }>; at?: number; rawSid?: number }
  | { k: 'tpi'; at?: number }
  | { k: 'cr6'; value: number }
  | { k: 'wait'; until: 'interrupt' | 'idle' }
  | { k: 'devices'; devno: number; count: number; sch: number; type: DeviceType; chpids: number[]; isc: number; enabled: boolean }
  | { k: 'stcrw'; at?: number }
  | { k: 'configure-chpid'; chpid: number; on: boolean }
  | { k: 'machine-chpid'; chpid: number; event: 'online' | 'offline' }
  | { k: 'machine-path'; sch: number; chpid: number; failed: boolean }
  | { k: 'machine-oper'; sch: number; operational: boolean }
  | { k: 'machine-start-oper'; sch: number; mask: number }
  | { k: 'machine-dnv'; sch: number; valid: boolean }
  | { k: 'machine-remove'; devno: number }
  | { k: 'machine-unsolicited'; sch: number; dstat: number }
  | { k: 'machine-crw'; rsc: number; erc: number; rsid: number; sol: boolean; chn: boolean; anc: boolean; oflw: boolean }
  | { k: 'rule'; sch: number; rule: DeviceRuleSpec }
  | { k: 'chsc'; command: ChscCommandName; first: number; last: number; at?: number; len?: number; params?: Array<number | undefined> }
  | { k: 'sal'; gr1: number }
  | { k: 'stcps'; at?: number }
  | { k: 'rchp'; gr1: number }
  | { k: 'schm'; gr1: number; gr2: number };

/** CHSC commands the `chsc` statement issues (css §5.6). */
/** `code` = any command code given as a number (css §5.6: codes the CSS does not implement → 0x0004). */
export type ChscCommandName = 'ssd' | 'scpd' | 'sei' | 'scsc' | 'sda' | 'secm' | 'sadc' | 'ssqd' | 'code';

/** A scripted device behaviour (`rule`), the scenario form of the model's ScriptRule. */
export interface DeviceRuleSpec {
  cmd: number;
  data?: number[];
  accept?: number;
  residual?: number;
  dstat?: number;
  sense?: number[];
  busy?: boolean;
  reject?: boolean;
  delay?: number;
  attention?: number;
  times?: number;
}

/** Memory management / GUP (statements/gup.ts, exec/gup.ts). */
export type GupStmt =
  | { k: 'process'; name: string; pid: number }
  | { k: 'vma'; proc: string; start: bigint; size: bigint; kind: string; read: boolean; write: boolean; zone?: string; order?: number }
  | { k: 'gup'; api: string; proc: string; start: bigint; nr: number; flags: string[]; bind?: string; pagesNull?: boolean }
  | { k: 'release'; api: string; target: string; makeDirty: boolean; n?: number }
  /** folio_add_pin / folio_add_pins and the test hooks (set_refcount, hwpoison, signal_pending, fail_migration, touch, setrlimit, capability, arch). */
  | { k: 'mm_op'; op: string; proc?: string; addr?: bigint; target?: string; num?: number; word?: string; args?: bigint[] }
  /** vfio type1: VFIO_SET_IOMMU, VFIO_IOMMU_MAP_DMA / UNMAP_DMA / DIRTY_PAGES, vfio_pin_pages, vfio_unpin_pages, test hooks (gup §10). */
  | { k: 'vfio_type1'; op: string; proc?: string; iova?: bigint; vaddr?: bigint; size?: bigint; npage?: number; prot?: number; word?: string; num?: number; bind?: string }
  /** io_uring_register_buffers / io_uring_unregister_buffers. */
  | { k: 'io_uring'; op: 'register' | 'unregister'; proc: string; iovecs: Array<{ addr: bigint; len: bigint }> }
  /** o_direct_read / o_direct_write / dio_complete. */
  | { k: 'dio'; op: 'read' | 'write' | 'complete'; proc?: string; addr?: bigint; len?: bigint; bind?: string }
  /** process_vm_readv / process_vm_writev. */
  | { k: 'pvm'; write: boolean; local: string; laddr: bigint; remote: string; raddr: bigint; len: bigint }
  /** vmsplice PROC ADDR LEN -> PIPE / pipe_read PIPE LEN (FOLL_GET page references held by pipe buffers). */
  | { k: 'pipe'; op: 'vmsplice' | 'read'; pipe: string; proc?: string; addr?: bigint; len: bigint }
  /** read / write of /proc/PID/mem (access_remote_vm, FOLL_GET | FOLL_FORCE). */
  | { k: 'proc_mem'; write: boolean; proc: string; addr: bigint; len: bigint }
  /** gup_test (the selftest with its options) and gup_test_ioctl (one ioctl, gup §8). */
  | { k: 'gup_test'; argv: string[] }
  | { k: 'gup_test_ioctl'; cmd: string; proc: string; addr: bigint; size: bigint; nr: number; gupFlags: number; testFlags: number; which: number[] };

/** Host cio, vfio-ccw and QEMU (statements/vfio.ts, exec/vfio.ts). */
export type VfioStmt =
  | { k: 'chchp'; mode: 'c' | 'v'; on: boolean; chpid: number }
  | { k: 'option'; name: 'orb-lpm'; value: 'rfc' | 'merged' }
  | { k: 'option'; name: 'force-orb-pfch'; value: 'on' | 'off' }
  | { k: 'vfio'; op: 'open' | 'close' | 'reset' | 'request' | 'unbind'; sch: number }
  | { k: 'vfio-irq-info'; sch: number; index: number }
  | { k: 'vfio-dma'; op: 'unmap' | 'map'; iova: number; size: number }
  | { k: 'inject'; fault: 'crw-alloc-fail' | 'io-mutex-busy' | 'pin-fail' | 'pin-partial' | 'guest-fault'; count: number }
  | { k: 'machine-sei'; event: 'res-acc' | 'chp-config' | 'link-incident' | 'chp-avail' | 'overflow'; chpids: number[]; op: number }
  | { k: 'region-write'; sch: number; region: 'io' | 'async' | 'schib' | 'crw' | 'fd'; offset: number; bytes: number[] }
  | { k: 'region-read'; sch: number; region: 'io' | 'async' | 'schib' | 'crw' | 'fd'; offset: number; len: number | undefined }
  | { k: 'host-stcrw' };

/** CPU state and storage keys (statements/cpu.ts, exec/cpu.ts; css §11). */
export type CpuStmt =
  | { k: 'cpu'; problemState?: boolean; key?: number; cr0?: bigint }
  | { k: 'sske'; addr: number; key: number }
  | { k: 'iske'; addr: number };

/** `include "FILE"` (statements/include.ts): replaced by the included statements at parse time. */
export type IncludeStmt = { k: 'include'; path: string; col: number };

/**
 * Control flow (statements/control.ts): `repeat N … end`. The parser pairs them: `end` is the
 * index (in `Scenario.statements`) of the closing `end-repeat`, `start` the index of its `repeat`.
 */
export type ControlStmt =
  | { k: 'repeat'; count: number; end: number }
  | { k: 'end-repeat'; start: number };

/** Expectations (statements/expect.ts). */
export type ExpectStmt = { k: 'expect'; lhs: Expr; op: CompareOp; rhs: Expr; exprText: string };

export type Stmt = Located & (SetupStmt | CssStmt | GupStmt | VfioStmt | CpuStmt | ExpectStmt | IncludeStmt | ControlStmt);

export type StmtKind = Stmt['k'];

export interface Scenario {
  file: string;
  kernel: KernelVersion;
  topology: 'native' | 'vfio';
  memorySize: number;
  statements: Stmt[];
  /** Name → guest address of `data`, `idal` and `program` blocks and CCW labels. */
  symbols: Map<string, number>;
}
