/** A program interruption raised by an I/O or key instruction (css §5.1, §11.3–§11.6). */
export type ProgramInterruptionCode = 'operand' | 'specification' | 'privileged-operation' | 'addressing' | 'protection';

/** css §11.3: the program-interruption code stored at lowcore 0x8E for each exception. */
export const PROGRAM_INTERRUPTION_CODE: Readonly<Record<ProgramInterruptionCode, number>> = {
  'privileged-operation': 0x02,
  protection: 0x04,
  addressing: 0x05,
  specification: 0x06,
  operand: 0x15,
};

export class ProgramInterruption extends Error {
  constructor(
    readonly pic: ProgramInterruptionCode,
    readonly detail: string,
  ) {
    super(`${pic} exception: ${detail}`);
    this.name = 'ProgramInterruption';
  }
}
