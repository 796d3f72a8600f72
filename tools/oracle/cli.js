'use strict';
// Small command-line helpers shared by golden.js and check-onnx.js.

// Every flag takes one value (--name VALUE). Anything else not starting with
// "--" is positional; exactly `positionalCount` are required. Exits 0 on
// --help and 2 on bad usage.
function parseArgs(argv, flagNames, usage, positionalCount = 0) {
  const args = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    }
    if (!arg.startsWith('--')) {
      args._.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (!flagNames.includes(name)) usageError(`unknown option '${arg}'`, usage);
    if (i + 1 >= argv.length) usageError(`option '${arg}' needs a value`, usage);
    args[name] = argv[++i];
  }
  if (args._.length !== positionalCount) {
    usageError(`expected ${positionalCount} positional argument(s), got ${args._.length}`, usage);
  }
  return args;
}

function usageError(message, usage) {
  console.error(`error: ${message}\n${usage}`);
  process.exit(2);
}

// JSON with two-space indent, but arrays of numbers kept on one line so the
// manifest stays readable.
function formatManifest(value) {
  return `${toJson(value, '')}\n`;
}

function toJson(value, indent) {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'number')) return `[${value.map((n) => JSON.stringify(n)).join(', ')}]`;
    return `[\n${value.map((item) => inner + toJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${toJson(item, inner)}`);
    return fields.length === 0 ? '{}' : `{\n${fields.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

module.exports = { parseArgs, formatManifest };
