/**
 * `npm run fuzz`: the long DAP fuzz run (issue 13), 100,000 messages per seed by default.
 * Usage: node out/test/dap/fuzzMain.js [messages] [seed...]
 */
import { fuzz } from './fuzz';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000);
  const seeds = process.argv.slice(3).map(Number);
  for (const seed of seeds.length ? seeds : [1]) {
    const t0 = Date.now();
    const rep = await fuzz(seed, count, (line) => console.log(`seed ${seed}: ${line}`));
    const bad = rep.errorsWithStack + rep.hostileAccepted;
    console.log(`seed ${seed}: ${JSON.stringify(rep)} in ${((Date.now() - t0) / 1000).toFixed(1)} s${bad ? ' FAILED' : ' ok'}`);
    if (bad) process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(`fuzz failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
