/**
 * Distinct number types for things that must never be mixed (STYLE §10). They are plain
 * numbers at run time; the brand only exists for the type checker.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Subchannel number (the low halfword of the SID, css §5.1), 0..0xFFFF. */
export type SchNo = Brand<number, 'SchNo'>;
/** Device number (PMCW.DEV, css §1.1), 0..0xFFFF. */
export type DevNo = Brand<number, 'DevNo'>;
/** Channel-path id (PMCW.CHPID[i], css §1.1), 0..0xFF. */
export type ChpId = Brand<number, 'ChpId'>;
/** Guest absolute address (what CCWs and ORBs carry). */
export type GuestAddr = Brand<number, 'GuestAddr'>;
/** Index of a struct page in the model's page store (the model's PFN). */
export type Pfn = Brand<number, 'Pfn'>;
/** User virtual address in a process (may exceed 2^53 in theory; bigint). */
export type UserVaddr = Brand<bigint, 'UserVaddr'>;

export const schNo = (n: number): SchNo => n as SchNo;
export const devNo = (n: number): DevNo => n as DevNo;
export const chpId = (n: number): ChpId => n as ChpId;
export const guestAddr = (n: number): GuestAddr => n as GuestAddr;
export const pfn = (n: number): Pfn => n as Pfn;
export const userVaddr = (n: bigint): UserVaddr => n as UserVaddr;

/** Thread ids shown by the debugger (PRODUCT §3): guest CPU, host kernel, one per subchannel. */
export const GUEST_CPU_THREAD = 1;
export const HOST_KERNEL_THREAD = 2;
export const CHANNEL_THREAD_BASE = 0x10000;
export const channelThread = (sch: SchNo): number => CHANNEL_THREAD_BASE + sch;

export const hex = (n: number | bigint, width = 0): string => '0x' + n.toString(16).padStart(width, '0');
