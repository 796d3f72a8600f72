#!/usr/bin/env node
'use strict';
// Checks an exported PoseNet ONNX against the TF.js golden outputs:
//   1. onnxruntime-node must load it (the "export passes onnxruntime's loader" check);
//   2. for every manifest entry (each photo at 257 and 385) the four outputs
//      must satisfy max|onnx - tfjs| <= 1e-4 * max|tfjs|.
// Usage: node check-onnx.js MODEL.onnx [--json REPORT.json] [--golden DIR]
//                           [--images DIR] [--image-to-rgb PATH]
// Exit status: 0 all passed, 1 a load failure or any mismatch, 2 bad usage.
const fs = require('node:fs');
const path = require('node:path');
const ort = require('onnxruntime-node');

const { IMAGES_DIR, sha256Hex, resolveImageTool, decodeImage } = require('./image_source');
const { preprocess, nhwcToNchw } = require('./preprocess');
const format = require('./golden_format');
const { parseArgs, formatManifest } = require('./cli');
const { compareOutput, printTable } = require('./compare');

const INPUT_NAME = 'image';
const RELATIVE_TOLERANCE = 1e-4;

const USAGE = `usage: node check-onnx.js MODEL.onnx [--json REPORT.json] [--golden DIR] [--images DIR] [--image-to-rgb PATH]
  Loads MODEL.onnx with onnxruntime-node and compares its outputs with the TF.js
  golden files (default tests/data/golden): max|onnx - tfjs| <= ${RELATIVE_TOLERANCE} * max|tfjs|
  per output. Input "${INPUT_NAME}" is NCHW [1,3,size,size]; outputs are matched by role name.`;

async function loadSession(modelPath) {
  if (!fs.existsSync(modelPath)) throw new Error(`${modelPath} not found`);
  try {
    return await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'] });
  } catch (error) {
    throw new Error(`onnxruntime rejected ${modelPath}: ${error.message}`);
  }
}

// Exact role names first (what vkpose-convert writes), then the same
// substring rule the TF.js front end uses, displacement names first.
function mapOutputsToRoles(outputNames) {
  const substrings = { displacement_fwd: 'displacement_fwd', displacement_bwd: 'displacement_bwd', heatmap: 'heatmap', offsets: 'offset' };
  const mapping = {};
  for (const { role } of format.ROLES) {
    const exact = outputNames.filter((name) => name === role);
    const loose = outputNames.filter((name) => name.includes(substrings[role]) && !Object.values(mapping).includes(name));
    const matches = exact.length === 1 ? exact : loose;
    if (matches.length !== 1) {
      throw new Error(`model outputs [${outputNames.join(', ')}]: expected exactly one named like '${role}', found ${matches.length}`);
    }
    mapping[role] = matches[0];
  }
  return mapping;
}

function checkInputs(session) {
  if (session.inputNames.length !== 1 || session.inputNames[0] !== INPUT_NAME) {
    throw new Error(`model inputs [${session.inputNames.join(', ')}]: expected exactly one named '${INPUT_NAME}'`);
  }
}

// The same preprocessed input golden.js fed TF.js, checked by its hash so a
// drift in decoding or preprocessing is reported as such, not as a model bug.
function goldenInput(entry, image) {
  const prepared = preprocess(image.rgb, image.width, image.height, entry.size);
  const hash = sha256Hex(new Uint8Array(prepared.input.buffer));
  if (hash !== entry.input_sha256.nhwc) {
    throw new Error(`${entry.image}@${entry.size}: preprocessed input sha256 ${hash} differs from the manifest's ` +
      `${entry.input_sha256.nhwc}; regenerate the golden files or fix the decoder/preprocessing`);
  }
  return nhwcToNchw(prepared.input, entry.size);
}

async function checkEntry(session, roleToOutput, entry, image, goldenDir) {
  const input = new ort.Tensor('float32', goldenInput(entry, image), [1, 3, entry.size, entry.size]);
  const results = await session.run({ [INPUT_NAME]: input });
  const golden = format.readGoldenOutputs(entry, goldenDir);
  return entry.outputs.map((output) => {
    const produced = results[roleToOutput[output.role]];
    if (produced.type !== 'float32') throw new Error(`output '${roleToOutput[output.role]}' is ${produced.type}, expected float32`);
    return {
      image: entry.image,
      size: entry.size,
      role: output.role,
      onnx_output: roleToOutput[output.role],
      ...compareOutput(produced.data, produced.dims.map(Number), golden[output.role], output.shape, RELATIVE_TOLERANCE),
    };
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2), ['json', 'golden', 'images', 'image-to-rgb'], USAGE, 1);
  const modelPath = path.resolve(args._[0]);
  const goldenDir = path.resolve(args.golden ?? format.GOLDEN_DIR);
  const imagesDir = path.resolve(args.images ?? IMAGES_DIR);
  const manifest = format.readManifest(goldenDir);
  const tool = resolveImageTool(args['image-to-rgb']);

  const session = await loadSession(modelPath);
  checkInputs(session);
  const roleToOutput = mapOutputsToRoles(session.outputNames);
  const images = new Map();
  const rows = [];
  for (const entry of manifest.entries) {
    if (!images.has(entry.image)) images.set(entry.image, decodeImage(path.join(imagesDir, entry.image), tool));
    rows.push(...(await checkEntry(session, roleToOutput, entry, images.get(entry.image), goldenDir)));
  }
  const passed = rows.every((row) => row.passed);
  printTable(rows);
  console.log(passed ? `PASS: ${rows.length} outputs match TF.js` : `FAIL: ${rows.filter((r) => !r.passed).length} of ${rows.length} outputs differ`);
  if (args.json) writeReport(args.json, { modelPath, session, roleToOutput, rows, passed });
  return passed ? 0 : 1;
}

function writeReport(file, { modelPath, session, roleToOutput, rows, passed }) {
  const report = {
    model: modelPath,
    model_sha256: sha256Hex(fs.readFileSync(modelPath)),
    onnxruntime: ort.env.versions,
    rule: `max|onnx - tfjs| <= ${RELATIVE_TOLERANCE} * max|tfjs| per output`,
    inputs: session.inputNames,
    outputs: roleToOutput,
    passed,
    results: rows,
  };
  fs.writeFileSync(file, formatManifest(report));
  console.log(`wrote ${file}`);
}

main().then(
  (status) => process.exit(status),
  (error) => {
    console.error(`check-onnx.js: error: ${error.message}`);
    process.exit(1);
  },
);
