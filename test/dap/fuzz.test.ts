/**
 * The DAP fuzz test of `npm test` (issue 13): 10,000 seeded messages, malformed frames included,
 * against the standalone adapter; it ends healthy with a Variables tree identical to a fresh
 * session's at the same stop. `npm run fuzz` runs the longer version (fuzzMain.ts).
 */
import * as assert from 'node:assert/strict';
import { fuzz } from './fuzz';

describe('DAP fuzz: 10^4 seeded messages over stdio (issue 13)', function () {
  this.timeout(600_000);

  it('never exits or goes deaf, refuses every hostile argument with one line, ends exact', async () => {
    const rep = await fuzz(13, 10_000);
    assert.equal(rep.messages, 10_000);
    assert.ok(rep.malformed > 1000 && rep.hostile > 3000 && rep.absurd > 1000 && rep.valid > 2000, JSON.stringify(rep));
    assert.equal(rep.errorsWithStack, 0);
    assert.equal(rep.hostileAccepted, 0);
    assert.ok(rep.stops > 100, `${rep.stops} stops`);
    assert.ok(rep.variablesRows > 100, `${rep.variablesRows} Variables rows compared`);
  });
});
