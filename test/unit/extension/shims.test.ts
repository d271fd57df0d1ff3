// The browser bundle's stand-ins for Node's `events` and `url` (extension/shims/), as
// @vscode/debugadapter's ProtocolServer / DebugSession use them: on, once, emit, removeListener.
import * as assert from 'node:assert/strict';
import { EventEmitter } from '../../../extension/shims/events';
import { URL as ShimURL } from '../../../extension/shims/url';

describe('browser shims (extension/shims)', () => {
  it('EventEmitter calls listeners in order with the arguments and says whether any ran', () => {
    const e = new EventEmitter();
    const seen: unknown[] = [];
    assert.equal(e.emit('close'), false);
    e.on('close', (a) => seen.push(['first', a]));
    e.addListener('close', (a, b) => seen.push(['second', a, b]));
    assert.equal(e.emit('close', 1, 2), true);
    assert.deepEqual(seen, [['first', 1], ['second', 1, 2]]);
    assert.equal(e.listenerCount('close'), 2);
  });

  it('once runs one time; removeListener / off / removeAllListeners detach', () => {
    const e = new EventEmitter();
    let n = 0;
    const count = () => void n++;
    e.once('error', count);
    e.emit('error');
    e.emit('error');
    assert.equal(n, 1);
    e.on('error', count);
    e.off('error', count);
    assert.equal(e.emit('error'), false);
    e.on('a', count).on('b', count);
    e.removeAllListeners('a');
    assert.equal(e.listenerCount('a'), 0);
    assert.equal(e.listenerCount('b'), 1);
    e.removeAllListeners();
    assert.equal(e.listenerCount('b'), 0);
  });

  it('a listener that removes itself does not make the next one skip', () => {
    const e = new EventEmitter();
    const calls: string[] = [];
    const first = () => {
      calls.push('first');
      e.removeListener('x', first);
    };
    e.on('x', first);
    e.on('x', () => calls.push('second'));
    e.emit('x');
    assert.deepEqual(calls, ['first', 'second']);
  });

  it('url.URL is the WHATWG URL the adapter uses for path2uri', () => {
    const u = new ShimURL('file:');
    u.pathname = encodeURI('/work/a b.vlab');
    assert.equal(u.toString(), 'file:///work/a%20b.vlab');
  });
});
