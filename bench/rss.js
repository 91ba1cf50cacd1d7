// Runs the agentpolicy CLI in this process and prints its peak memory (max RSS, in KiB) last on
// stderr: the same work as bin/agentpolicy.cjs, with the measurement Node gives a process of itself.
import { main } from '../dist/cli.js';

const code = await main(process.argv.slice(2));
process.stderr.write(`\nmaxRSS ${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
