// Compiles contracts/src with the pinned solc npm package and writes, for
// each contract, <Name>.abi (JSON) and <Name>.bin (hex creation code) into
// the output directory (default: artifacts). Run from contracts/ through
// build.sh; the artifact test runs it into a temporary directory and
// compares.
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const root = path.resolve(__dirname, "..");
const out = path.resolve(process.argv[2] || path.join(root, "artifacts"));
const srcDir = path.join(root, "src");

const sources = {};
for (const f of fs.readdirSync(srcDir).sort()) {
  if (f.endsWith(".sol")) {
    sources[f] = { content: fs.readFileSync(path.join(srcDir, f), "utf8") };
  }
}

const input = {
  language: "Solidity",
  sources,
  settings: {
    evmVersion: "prague",
    optimizer: { enabled: true, runs: 10000 },
    // No metadata hash: the bytecode then depends only on the sources and
    // these settings, so a rebuild reproduces the committed artifacts.
    metadata: { bytecodeHash: "none", appendCBOR: false },
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};

// Imports are resolved relative to src/ only.
function findImports(p) {
  const f = path.join(srcDir, path.basename(p));
  if (fs.existsSync(f)) return { contents: fs.readFileSync(f, "utf8") };
  return { error: "not found: " + p };
}

const result = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
let failed = false;
for (const e of result.errors || []) {
  process.stderr.write(e.formattedMessage || e.message);
  if (e.severity === "error") failed = true;
}
if (failed) process.exit(1);

fs.mkdirSync(out, { recursive: true });
for (const file of Object.keys(result.contracts).sort()) {
  for (const name of Object.keys(result.contracts[file]).sort()) {
    const c = result.contracts[file][name];
    fs.writeFileSync(path.join(out, name + ".abi"), JSON.stringify(c.abi, null, 2) + "\n");
    fs.writeFileSync(path.join(out, name + ".bin"), c.evm.bytecode.object + "\n");
  }
}
process.stdout.write("solc " + solc.version() + ": " + Object.keys(sources).length + " sources -> " + out + "\n");
