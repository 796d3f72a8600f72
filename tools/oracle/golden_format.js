'use strict';
// Layout of the golden files, shared by the writer (golden.js) and the
// checkers. Each tests/data/golden/<image>_<size>.bin holds the four PoseNet
// outputs back to back, in ROLES order, each float32 little-endian NCHW
// ([1, C, H, W], channel planes); manifest.json gives shapes and byte offsets.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO_ROOT } = require('./image_source');

const GOLDEN_DIR = path.join(REPO_ROOT, 'tests', 'data', 'golden');
const MANIFEST_NAME = 'manifest.json';
const SIZES = [257, 385];
const OUTPUT_STRIDE = 16;

// Output roles in file order, with the TF.js graph node that produces each.
const ROLES = [
  { role: 'heatmap', channels: 17, tfjsNode: 'MobilenetV1/heatmap_2/BiasAdd' },
  { role: 'offsets', channels: 34, tfjsNode: 'MobilenetV1/offset_2/BiasAdd' },
  { role: 'displacement_fwd', channels: 32, tfjsNode: 'MobilenetV1/displacement_fwd_2/BiasAdd' },
  { role: 'displacement_bwd', channels: 32, tfjsNode: 'MobilenetV1/displacement_bwd_2/BiasAdd' },
];

function requireLittleEndianHost() {
  if (os.endianness() !== 'LE') throw new Error('golden files are little-endian; this host is big-endian');
}

function gridSize(size) {
  return (size - 1) / OUTPUT_STRIDE + 1;
}

function goldenFileName(imagePath, size) {
  return `${path.parse(imagePath).name}_${size}.bin`;
}

function isGoldenFileName(name) {
  return SIZES.some((size) => name.endsWith(`_${size}.bin`));
}

// outputs: { role: Float32Array NCHW }. Returns the file bytes and the
// per-output layout recorded in the manifest.
function packOutputs(outputs, size) {
  requireLittleEndianHost();
  const grid = gridSize(size);
  const layout = [];
  const chunks = [];
  let offset = 0;
  for (const { role, channels } of ROLES) {
    const data = outputs[role];
    const shape = [1, channels, grid, grid];
    if (data.length !== channels * grid * grid) {
      throw new Error(`${role}: ${data.length} values, expected shape ${shape.join('x')}`);
    }
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    layout.push({ role, shape, dtype: 'float32', layout: 'NCHW', byte_offset: offset, byte_length: bytes.length });
    chunks.push(bytes);
    offset += bytes.length;
  }
  return { bytes: Buffer.concat(chunks), layout };
}

// Reads one manifest entry's outputs back as { role: Float32Array }.
function readGoldenOutputs(entry, goldenDir = GOLDEN_DIR) {
  requireLittleEndianHost();
  const file = path.join(goldenDir, entry.file);
  const bytes = fs.readFileSync(file);
  const outputs = {};
  for (const output of entry.outputs) {
    const end = output.byte_offset + output.byte_length;
    if (end > bytes.length) throw new Error(`${file}: ${output.role} ends at byte ${end}, file has ${bytes.length}`);
    // Copy into a fresh buffer: a view into `bytes` may not be 4-byte aligned.
    const copy = new Uint8Array(output.byte_length);
    copy.set(bytes.subarray(output.byte_offset, end));
    outputs[output.role] = new Float32Array(copy.buffer);
  }
  return outputs;
}

function readManifest(goldenDir = GOLDEN_DIR) {
  const file = path.join(goldenDir, MANIFEST_NAME);
  if (!fs.existsSync(file)) throw new Error(`${file} not found; run 'node golden.js' first`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// Keypoint names come from runtime/keypoints.h, the project's single table.
function readKeypointNames() {
  const header = fs.readFileSync(path.join(REPO_ROOT, 'runtime', 'keypoints.h'), 'utf8');
  const table = /kKeypointNames\s*=\s*\{([^}]*)\}/.exec(header);
  const names = table ? [...table[1].matchAll(/"([^"]+)"/g)].map((match) => match[1]) : [];
  if (names.length !== ROLES[0].channels) {
    throw new Error(`runtime/keypoints.h: found ${names.length} names in kKeypointNames, expected ${ROLES[0].channels}`);
  }
  return names;
}

module.exports = {
  GOLDEN_DIR,
  MANIFEST_NAME,
  SIZES,
  OUTPUT_STRIDE,
  ROLES,
  gridSize,
  goldenFileName,
  isGoldenFileName,
  packOutputs,
  readGoldenOutputs,
  readManifest,
  readKeypointNames,
};
