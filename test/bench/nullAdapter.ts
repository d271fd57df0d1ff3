/**
 * A DAP adapter that does nothing but answer (the floor of the step round trip, scale.ts): the
 * same request sequence as the real adapter's, with answers of about the same size (a frame, three
 * scopes, rows of ~1.3 KB per `variables`), each built from constants. What it measures is the
 * machine's own cost of a DAP exchange over stdio: two processes waking each other six times per
 * step (pipe writes, scheduler wake-ups, the client's parsing). On a 2-core VM that floor is a good
 * part of the 0.5 ms / 2 ms goals, so the bench prints it beside the real figures.
 *
 * Run as `node out/test/bench/nullAdapter.js` (stdin/stdout carry the protocol).
 */

interface Request {
  seq: number;
  command: string;
}

const ROWS = Array.from({ length: 14 }, (_, i) => ({ name: `pmcw.field${i}`, value: `0x${(0x1000 + i * 0x1234).toString(16)}`, type: 'u32', variablesReference: 0 }));

let seq = 1;
function send(o: Record<string, unknown>): void {
  const s = JSON.stringify({ seq: seq++, ...o });
  process.stdout.write(`Content-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`);
}

function respond(r: Request, body?: unknown): void {
  send({ type: 'response', request_seq: r.seq, success: true, command: r.command, body });
}

function answer(r: Request): void {
  switch (r.command) {
    case 'initialize': respond(r, { supportsConfigurationDoneRequest: true }); send({ type: 'event', event: 'initialized' }); return;
    case 'launch': respond(r); send({ type: 'event', event: 'stopped', body: { reason: 'entry', threadId: 1 } }); return;
    case 'next': case 'stepIn':
      respond(r);
      send({ type: 'event', event: 'stopped', body: { reason: 'step', threadId: 1, allThreadsStopped: true } });
      return;
    case 'configurationDone': respond(r); return;
    case 'threads': respond(r, { threads: [{ id: 1, name: 'guest CPU' }] }); return;
    case 'stackTrace': respond(r, { stackFrames: [{ id: 1, name: 'ssch 0.0.0001', line: 20, column: 1, source: { name: 'scale.vlab', path: '/tmp/scale.vlab' } }], totalFrames: 1 }); return;
    case 'scopes': respond(r, { scopes: ['Statement', 'Subchannel', 'Pages'].map((name, i) => ({ name, variablesReference: i + 1, expensive: false })) }); return;
    case 'variables': respond(r, { variables: ROWS }); return;
    case 'disconnect': respond(r); process.exit(0); return;
    default: send({ type: 'response', request_seq: r.seq, success: false, command: r.command, message: `${r.command} is not implemented` });
  }
}

let buf: Buffer = Buffer.alloc(0);
process.stdin.on('data', (d: Buffer) => {
  buf = buf.length ? Buffer.concat([buf, d]) : d;
  for (;;) {
    const head = buf.indexOf('\r\n\r\n');
    if (head < 0) return;
    const m = /Content-Length: *(\d+)/i.exec(buf.subarray(0, head).toString('latin1'));
    if (!m) {
      process.stderr.write('nullAdapter: a message without Content-Length\n');
      process.exit(1);
    }
    const end = head + 4 + Number(m[1]);
    if (buf.length < end) return;
    const r = JSON.parse(buf.subarray(head + 4, end).toString('utf8')) as Request;
    buf = buf.subarray(end);
    answer(r);
  }
});
