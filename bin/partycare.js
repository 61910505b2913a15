#!/usr/bin/env node
// The installed `partycare` command: the compiled CLI (npm run build) in this very process, with plain node —
// no TypeScript loader and no child process, so a signal to this pid reaches the CLI itself.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(`partycare: the compiled CLI (${fileURLToPath(cli)}) is missing: run npm run build first\n`);
  process.exit(1);
}
// Stack traces name the TypeScript lines (what `node --enable-source-maps` does for npm start).
process.setSourceMapsEnabled(true);
const { main } = await import(cli.href);
main(process.argv.slice(2));
