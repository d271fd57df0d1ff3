/**
 * JSON text of a DAP message written straight into a byte buffer, the same bytes as
 * `Buffer.from(JSON.stringify(value), 'utf8')` (issue 12, step round trip p99 at scale).
 *
 * Why: the library's send made, per message, the JSON string (V8's builder grows it in parts and
 * joins them: about twice its length), a `Content-Length` header concatenated in front of it,
 * and a flat copy of that concatenation when the stream encoded it: ~19 KB of young-generation
 * garbage for the ~4.4 KB a step sends, a quarter of the adapter's allocation per step, which
 * sets how often a scavenge lands inside a step. Here the bytes go into one reused buffer.
 *
 * Exactness (ECMA-262 §25.5.2.2 SerializeJSONProperty): own enumerable string keys in
 * Object.keys order (for-in order filtered by own-ness); `toJSON(key)` is called; undefined,
 * functions and symbols are left out of objects and are `null` in arrays; non-finite numbers are
 * `null`; strings are quoted as QuoteJSONString does (`\b \t \n \f \r`, other controls as
 * `\u00xx`, lone surrogates as `\udxxx`). What this writer does not reproduce itself — boxed
 * primitives, BigInt, nesting deeper than MAX_DEPTH (a cycle) — makes `write` return false, and the
 * caller uses JSON.stringify for the whole message (which then behaves, and throws, as before).
 */

const MAX_DEPTH = 200;
/** Not reproduced here: the caller falls back to JSON.stringify. */
class Unsupported {}
const UNSUPPORTED = new Unsupported();

const Q = 0x22; // "
const BS = 0x5c; // \
const COMMA = 0x2c;
const COLON = 0x3a;

export class JsonBytes {
  /** The output; grows (and is replaced) when a message does not fit. */
  buf: Buffer;
  /** Bytes written so far. */
  len = 0;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }

  /** Append latin1 text whose characters are all below 0x80 (digits, literals). */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.len;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.len = p;
  }

  /** Append `s` as UTF-8 (any text, e.g. a JSON.stringify result). */
  utf8(s: string): void {
    this.ensure(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /**
   * Append the JSON text of `value` (an object or array at the top). False when the writer cannot
   * reproduce JSON.stringify for it; then nothing is appended.
   */
  write(value: object): boolean {
    const start = this.len;
    try {
      this.value(value, '', 0);
      return true;
    } catch (e) {
      this.len = start;
      if (e === UNSUPPORTED) return false;
      throw e;
    }
  }

  /** SerializeJSONProperty for a value already read from its holder; false: undefined (left out). */
  private value(v: unknown, key: string | number, depth: number): boolean {
    if (typeof v === 'object' && v !== null) {
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      // the key as a string (an array index too), made only when a toJSON asks for it
      if (typeof toJSON === 'function') v = (toJSON as (k: string) => unknown).call(v, String(key));
    } else if (typeof v === 'bigint') throw UNSUPPORTED;
    switch (typeof v) {
      case 'string':
        this.string(v);
        return true;
      case 'number':
        this.number(v);
        return true;
      case 'boolean':
        this.ascii(v ? 'true' : 'false');
        return true;
      case 'object':
        if (v === null) {
          this.ascii('null');
          return true;
        }
        if (depth >= MAX_DEPTH || v instanceof Number || v instanceof String || v instanceof Boolean) throw UNSUPPORTED;
        if (Array.isArray(v)) this.array(v, depth + 1);
        else this.object(v as Record<string, unknown>, depth + 1);
        return true;
      case 'bigint':
        throw UNSUPPORTED;
      default:
        return false; // undefined, function, symbol
    }
  }

  private array(a: unknown[], depth: number): void {
    this.byte(0x5b);
    const n = a.length;
    for (let i = 0; i < n; i++) {
      if (i > 0) this.byte(COMMA);
      if (!this.value(a[i], i, depth)) this.ascii('null');
    }
    this.byte(0x5d);
  }

  private object(o: Record<string, unknown>, depth: number): void {
    this.byte(0x7b);
    let first = true;
    for (const k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
      const at = this.len;
      if (!first) this.byte(COMMA);
      this.string(k);
      this.byte(COLON);
      if (this.value(o[k], k, depth)) first = false;
      else this.len = at; // undefined: the member is left out
    }
    this.byte(0x7d);
  }

  private byte(c: number): void {
    if (this.len >= this.buf.length) this.ensure(1);
    this.buf[this.len++] = c;
  }

  private number(n: number): void {
    if (n === (n | 0)) {
      // an int32 (and -0, which JSON writes as 0): digits by hand, no string
      if (n < 0) {
        this.byte(0x2d);
        n = -n;
      }
      if (n < 10) {
        this.byte(0x30 + n);
        return;
      }
      let digits = 0;
      for (let x = n; x > 0; x = Math.floor(x / 10)) digits++;
      this.ensure(digits);
      let p = this.len + digits;
      this.len = p;
      const b = this.buf;
      for (let x = n; x > 0; x = Math.floor(x / 10)) b[--p] = 0x30 + (x % 10);
      return;
    }
    this.ascii(Number.isFinite(n) ? String(n) : 'null');
  }

  /**
   * QuoteJSONString: printable ASCII copied, other characters as UTF-8 (a surrogate pair as one
   * 4-byte sequence); a string with a character JSON escapes (controls, quote, backslash, a lone
   * surrogate) goes through JSON.stringify instead.
   */
  private string(s: string): void {
    const n = s.length;
    this.ensure(n * 3 + 2);
    const b = this.buf;
    const start = this.len;
    let p = start;
    b[p++] = Q;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0x20 && c < 0x80) {
        if (c === Q || c === BS) return this.escaped(s, start);
        b[p++] = c;
      } else if (c < 0x20) {
        return this.escaped(s, start);
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      } else {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) return this.escaped(s, start);
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        // two UTF-16 units became four bytes: within the n * 3 reserved
        b[p++] = 0xf0 | (c >> 18);
        b[p++] = 0x80 | ((c >> 12) & 0x3f);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      }
    }
    b[p++] = Q;
    this.len = p;
  }

  /** A string JSON escapes something in: the engine's own quoting, then its UTF-8 bytes. */
  private escaped(s: string, start: number): void {
    this.len = start;
    this.utf8(JSON.stringify(s));
  }
}
