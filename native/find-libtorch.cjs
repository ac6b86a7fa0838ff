#!/usr/bin/env node
// Locates libtorch the way the Rust `tch` crate does, for binding.gyp and for the set-up script:
//   1. $LIBTORCH (a folder with include/ and lib/; $LIBTORCH_INCLUDE / $LIBTORCH_LIB override),
//   2. $LIBTORCH_USE_PYTORCH=1: the libtorch inside python3's `torch` package (CUDA builds too),
//   3. the system install (Debian's libtorch-dev).
// Usage: node find-libtorch.cjs include|libs|defines|distributed-include|distributed-defines|json|check
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const INSTALL_HINT = [
  'ncollapse needs libtorch (the C++ library of PyTorch), and none was found.',
  'Install one of:',
  '  - Debian/Ubuntu: apt-get install libtorch-dev        (CPU, libtorch 1.13)',
  '  - a libtorch folder (with include/ and lib/): export LIBTORCH=/path/to/libtorch',
  '  - PyTorch for python3 (CPU or CUDA): export LIBTORCH_USE_PYTORCH=1',
].join('\n');

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readVersion(includeDirs) {
  for (const dir of includeDirs) {
    const file = path.join(dir, 'torch', 'version.h');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const part = (name) => (text.match(new RegExp(`#define TORCH_VERSION_${name} (\\d+)`)) || [])[1];
    if (part('MAJOR') !== undefined) return `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  }
  return 'unknown';
}

/** The C++ ABI flag that libtorch was built with: read from its CMake config, never assumed. */
function readAbiFromCmake(candidates) {
  for (const file of candidates) {
    if (!fs.existsSync(file)) continue;
    const match = fs.readFileSync(file, 'utf8').match(/_GLIBCXX_USE_CXX11_ABI=(\d)/);
    if (match) return Number(match[1]);
  }
  return undefined;
}

function hasLib(libDir, name) {
  return fs.existsSync(path.join(libDir, `lib${name}.so`));
}

function fromFolder(root, source) {
  const include = process.env.LIBTORCH_INCLUDE || path.join(root, 'include');
  const libDir = process.env.LIBTORCH_LIB || path.join(root, 'lib');
  if (!fs.existsSync(path.join(include, 'ATen', 'ATen.h'))) {
    fail(`ncollapse: ${source} points to ${root}, but ${path.join(include, 'ATen', 'ATen.h')} does not exist.\n${INSTALL_HINT}`);
  }
  const abi = readAbiFromCmake([path.join(root, 'share', 'cmake', 'Torch', 'TorchConfig.cmake')]);
  return {
    source,
    includeDirs: [include, path.join(include, 'torch', 'csrc', 'api', 'include')],
    libDir,
    abi: abi === undefined ? 1 : abi,
  };
}

function fromPython() {
  const script = [
    'import json, torch, os',
    'from torch.utils import cpp_extension as c',
    'print(json.dumps({"version": torch.__version__.split("+")[0], "abi": int(torch._C._GLIBCXX_USE_CXX11_ABI),',
    '  "include": c.include_paths(), "lib": c.library_paths()[0]}))',
  ].join('\n');
  let info;
  try {
    info = JSON.parse(execFileSync(process.env.PYTHON || 'python3', ['-c', script], { encoding: 'utf8' }));
  } catch (error) {
    fail(`ncollapse: LIBTORCH_USE_PYTORCH=1 but python3 could not import torch (${error.message.split('\n')[0]}).\n${INSTALL_HINT}`);
  }
  return { source: 'python3 torch', includeDirs: info.include, libDir: info.lib, abi: info.abi, version: info.version };
}

function fromSystem() {
  let multiarch = 'x86_64-linux-gnu';
  try {
    multiarch = execFileSync('gcc', ['-print-multiarch'], { encoding: 'utf8' }).trim() || multiarch;
  } catch {
    // gcc missing: the build fails later anyway with a compiler error.
  }
  for (const prefix of ['/usr', '/usr/local']) {
    const include = path.join(prefix, 'include');
    if (!fs.existsSync(path.join(include, 'ATen', 'ATen.h'))) continue;
    const libDir = [path.join(prefix, 'lib', multiarch), path.join(prefix, 'lib')].find((d) => hasLib(d, 'torch'));
    if (!libDir) continue;
    const abi = readAbiFromCmake([path.join(libDir, 'cmake', 'Torch', 'TorchConfig.cmake'), path.join(prefix, 'share', 'cmake', 'Torch', 'TorchConfig.cmake')]);
    return {
      source: `system (${prefix})`,
      includeDirs: [include, path.join(include, 'torch', 'csrc', 'api', 'include')],
      libDir,
      abi: abi === undefined ? 1 : abi,
    };
  }
  return undefined;
}

function locate() {
  let found;
  if (process.env.LIBTORCH) found = fromFolder(process.env.LIBTORCH, '$LIBTORCH');
  else if (process.env.LIBTORCH_USE_PYTORCH === '1') found = fromPython();
  else found = fromSystem();
  if (!found) fail(`ncollapse: ${INSTALL_HINT}`);
  found.version = found.version || readVersion(found.includeDirs);
  found.cuda = hasLib(found.libDir, 'torch_cuda');
  return found;
}

function findHeader(dirs, relative) {
  return dirs.find((dir) => fs.existsSync(path.join(dir, relative)));
}

/**
 * Which c10d backends the addon can be built with: Gloo when libtorch ships its ProcessGroupGloo
 * header and the gloo headers are found (Debian: libgloo-dev), NCCL when libtorch has CUDA, its
 * ProcessGroupNCCL header and nccl.h are found. NCOLLAPSE_NCCL=0 leaves NCCL out.
 */
function distributedBuild(found) {
  const c10d = path.join('torch', 'csrc', 'distributed', 'c10d');
  const system = ['/usr/include', '/usr/local/include'];
  const cudaHome = process.env.CUDA_HOME || '/usr/local/cuda';
  const extra = [process.env.GLOO_INCLUDE_DIR, process.env.NCCL_INCLUDE_DIR, path.join(cudaHome, 'include')].filter(Boolean);
  const searched = found.includeDirs.concat(extra, system);
  const backends = [];
  const includeDirs = [];
  const add = (dir) => {
    if (dir !== undefined && !found.includeDirs.includes(dir) && !includeDirs.includes(dir)) includeDirs.push(dir);
  };
  const gloo = findHeader(searched, path.join('gloo', 'algorithm.h'));
  if (findHeader(found.includeDirs, path.join(c10d, 'ProcessGroupGloo.hpp')) && gloo) {
    backends.push('gloo');
    add(gloo);
  }
  const nccl = findHeader(searched, 'nccl.h');
  const cuda = findHeader(searched, 'cuda_runtime_api.h');
  if (found.cuda && process.env.NCOLLAPSE_NCCL !== '0' && findHeader(found.includeDirs, path.join(c10d, 'ProcessGroupNCCL.hpp')) && nccl && cuda) {
    backends.push('nccl');
    add(nccl);
    add(cuda);
  }
  return { backends, includeDirs };
}

function main() {
  const what = process.argv[2] || 'json';
  const found = locate();
  const libs = ['torch', 'torch_cpu', 'c10'].concat(found.cuda ? ['torch_cuda', 'c10_cuda'] : []);
  switch (what) {
    case 'include':
      process.stdout.write(found.includeDirs.join(' '));
      break;
    case 'libs':
      // --no-as-needed: otherwise the linker drops libtorch_cuda and CUDA reports itself unavailable.
      process.stdout.write(
        [`-L${found.libDir}`, `-Wl,-rpath,${found.libDir}`, '-Wl,--no-as-needed']
          .concat(libs.map((l) => `-l${l}`))
          .concat(['-Wl,--as-needed'])
          .join(' '),
      );
      break;
    case 'defines':
      process.stdout.write(`_GLIBCXX_USE_CXX11_ABI=${found.abi}`);
      break;
    case 'distributed-include':
      process.stdout.write(distributedBuild(found).includeDirs.join(' '));
      break;
    case 'distributed-defines':
      process.stdout.write(
        distributedBuild(found)
          .backends.map((b) => `USE_C10D_${b.toUpperCase()}`)
          .join(' '),
      );
      break;
    case 'check':
      process.stdout.write(`libtorch ${found.version} from ${found.source} (${found.libDir})${found.cuda ? ', with CUDA' : ''}\n`);
      break;
    default:
      process.stdout.write(`${JSON.stringify({ ...found, distributedBackends: distributedBuild(found).backends }, null, 2)}\n`);
  }
}

main();
