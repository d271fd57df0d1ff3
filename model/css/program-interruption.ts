/** A program interruption raised by an I/O instruction's operand checks (css §5.1). */
export type ProgramInterruptionCode = 'operand' | 'specification' | 'privileged-operation' | 'addressing';

export class ProgramInterruption extends Error {
  constructor(
    readonly pic: ProgramInterruptionCode,
    readonly detail: string,
  ) {
    super(`${pic} exception: ${detail}`);
    this.name = 'ProgramInterruption';
  }
}
