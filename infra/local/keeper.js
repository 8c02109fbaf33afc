// Runs one command and ends it when standard input closes, which happens when the
// local cloud exits in any way (Ctrl-C, a crash, or SIGKILL), so no service outlives it.
// Usage: node keeper.js <command> [args...]   (stdin must be a pipe from the parent)
'use strict';
const { spawn } = require('node:child_process');

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });

let ending = false;
function end(signal) {
  if (ending) return;
  ending = true;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  }
}

child.on('error', (error) => {
  console.error(`Could not run ${command}: ${error.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
process.stdin.on('end', () => end('SIGTERM'));
process.stdin.on('close', () => end('SIGTERM'));
process.stdin.resume();
process.on('SIGTERM', () => end('SIGTERM'));
process.on('SIGINT', () => end('SIGTERM'));
