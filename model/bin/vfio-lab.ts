#!/usr/bin/env node
/**
 * `vfio-lab run FILE... [--trace] [--json]` and `vfio-lab check FILE...`: the headless runner
 * (PRODUCT §5). Exit codes: 0 all expects passed, 1 a failed expect or exception, 2 diagnostics
 * or bad usage.
 */
import { readFileSync } from 'fs';
import { runCli } from '../scenario/cli';

const out = runCli(process.argv.slice(2), (p) => readFileSync(p, 'utf8'));
process.stdout.write(out.stdout);
process.stderr.write(out.stderr);
process.exitCode = out.code;
