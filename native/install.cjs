#!/usr/bin/env node
// Compiles the native addon with node-gyp against the libtorch that find-libtorch.cjs finds; the
// package's `install` script (so `npm install ncollapse-*.tgz` builds it) and `npm run build:native`.
// libtorch itself is never bundled: a machine without one gets find-libtorch.cjs's instructions.
// Usage: node native/install.cjs [--rebuild]   (without --rebuild, an up-to-date addon is kept)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const here = __dirname;
const addon = path.join(here, 'build', 'Release', 'ncollapse_native.node');
const sources = ['binding.gyp', 'find-libtorch.cjs', 'install.cjs', 'src'].map((name) => path.join(here, name));

function fail(message) {
  process.stderr.write(`ncollapse: ${message}\n`);
  process.exit(1);
}

/** The newest modification time under the given files and folders. */
function newest(paths) {
  let latest = 0;
  for (const p of paths) {
    const stat = fs.statSync(p);
    latest = Math.max(latest, stat.mtimeMs);
    if (stat.isDirectory()) latest = Math.max(latest, newest(fs.readdirSync(p).map((name) => path.join(p, name))));
  }
  return latest;
}

/** node-gyp: this checkout's own (a devDependency), else the one npm ships and names in npm_config_node_gyp. */
function nodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js', { paths: [here] });
  } catch {
    if (process.env.npm_config_node_gyp && fs.existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  }
  return fail('node-gyp was not found: run this through npm (npm install, npm run build:native), which ships one.');
}

/**
 * node-gyp downloads Node's headers unless told where they are; Node's own installation has them
 * (include/node), and nothing may be downloaded while installing.
 */
function nodedirArguments() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi')) ? [`--nodedir=${prefix}`] : [];
}

function run(args, options = {}) {
  const result = spawnSync(process.execPath, args, { cwd: here, stdio: 'inherit', ...options });
  return result.status === 0;
}

const rebuild = process.argv.includes('--rebuild');
if (!rebuild && fs.existsSync(addon) && fs.statSync(addon).mtimeMs >= newest(sources)) process.exit(0);

// Find libtorch first: its absence is the common failure, and find-libtorch.cjs says what to install.
if (!run([path.join(here, 'find-libtorch.cjs'), 'check'])) fail('cannot build the native addon without libtorch (see above).');
if (!run([nodeGyp(), 'rebuild', '--jobs', 'max', ...nodedirArguments()])) {
  fail(`node-gyp could not build the native addon in ${here} (its messages are above; it needs g++, make and python3).`);
}
const info = spawnSync(process.execPath, [path.join(here, 'find-libtorch.cjs'), 'json'], { cwd: here, encoding: 'utf8' });
if (info.status !== 0) fail(`find-libtorch.cjs json failed: ${info.stderr}`);
// Read by src/torch/native.ts to check that the libtorch loaded at run time is the one built against.
fs.writeFileSync(path.join(here, 'build', 'libtorch.json'), info.stdout);
