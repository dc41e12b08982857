#!/usr/bin/env node
// govchain solc bridge: makes the npm `solc` package (solc-js, the Solidity team's own
// compiler build) answer like a native solc binary, so py-solc-x, brownie and slither
// can compile offline. It supports exactly what those tools call:
//
//   solc --version
//   solc --standard-json [--allow-paths P[,P...]] [--base-path P] [--include-path P]...
//
// Imports that are not in the input JSON are read from disk relative to the base path,
// the include paths and the working directory (the same lookup order as native solc).
// tools/setup-solc-bridge.sh installs a shim for it as ~/.solcx/solc-v<version>.
'use strict';

const fs = require('fs');
const path = require('path');

const PROJECT_ROOT = process.env.GOVCHAIN_ROOT || path.resolve(__dirname, '..');
const SETUP_HINT = `run \`make setup\` (or \`npm ci\`) in ${PROJECT_ROOT}`;

function fail(message) {
  process.stderr.write(`govchain solc bridge: ${message}\n`);
  process.exit(2);
}

function loadSolc() {
  const solcPath = path.join(PROJECT_ROOT, 'node_modules', 'solc');
  if (!fs.existsSync(path.join(solcPath, 'package.json'))) {
    fail(`the npm package "solc" is missing (${solcPath} not found); ${SETUP_HINT}`);
  }
  return require(solcPath);
}

function parseArgs(argv) {
  const opts = { version: false, standardJson: false, basePath: null, includePaths: [], allowPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`option ${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--version': opts.version = true; break;
      case '--standard-json': opts.standardJson = true; break;
      case '--base-path': opts.basePath = value(); break;
      case '--include-path': opts.includePaths.push(value()); break;
      case '--allow-paths': opts.allowPaths.push(...value().split(',').filter(Boolean)); break;
      case '-': break;
      default: fail(`unsupported option ${arg}; this bridge answers --version and --standard-json only`);
    }
  }
  return opts;
}

function makeImportReader(opts) {
  const roots = [opts.basePath || process.cwd(), ...opts.includePaths, process.cwd()];
  return function findImports(importPath) {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, 'utf8') };
      }
    }
    return { error: `File not found: ${importPath} (searched ${candidates.join(', ')})` };
  };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const solc = loadSolc();
  if (opts.version) {
    const version = solc.version().replace('.Emscripten.clang', '.Linux.g++');
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${version}\n`);
    return;
  }
  if (!opts.standardJson) fail('nothing to do: pass --version or --standard-json');
  const input = fs.readFileSync(0, 'utf8');
  if (!input.trim()) fail('--standard-json expects the input JSON on standard input');
  process.stdout.write(solc.compile(input, { import: makeImportReader(opts) }));
}

main();
