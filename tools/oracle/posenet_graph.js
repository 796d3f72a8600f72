'use strict';
// Runs the ORIGINAL TF.js PoseNet graph (models/tfjs/posenet.json + .bin) on
// TF.js's pure-JS CPU backend. This is the reference the converter, the ONNX
// export and the Vulkan runtime are all compared against.
const fs = require('node:fs');
const path = require('node:path');
const tf = require('@tensorflow/tfjs');

const { ROLES } = require('./golden_format');

// The json declares the input as [1,385,385,3] and TF.js's executor rejects
// any other shape. Every op in the graph is shape-agnostic, so the declared
// shape is relaxed in memory; the file on disk is untouched.
const FREE_INPUT_SHAPE = [-1, -1, -1, 3];

function relaxInputShape(modelJson) {
  const placeholders = modelJson.modelTopology.node.filter((node) => node.op === 'Placeholder');
  if (placeholders.length !== 1) throw new Error(`expected one Placeholder node, found ${placeholders.length}`);
  placeholders[0].attr.shape.shape.dim = FREE_INPUT_SHAPE.map((size) => ({ size: String(size) }));
  for (const input of Object.values(modelJson.signature?.inputs ?? {})) {
    input.tensorShape.dim = FREE_INPUT_SHAPE.map((size) => ({ size: String(size) }));
  }
  return placeholders[0].name;
}

// A tf.io.IOHandler that reads the json and every weight shard from disk.
function fileHandler(jsonPath) {
  const modelJson = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  const inputName = relaxInputShape(modelJson);
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const shards = modelJson.weightsManifest.flatMap((group) =>
    group.paths.map((shard) => fs.readFileSync(path.join(path.dirname(jsonPath), shard))),
  );
  const weights = Buffer.concat(shards);
  const handler = {
    load: async () => ({
      modelTopology: modelJson.modelTopology,
      format: modelJson.format,
      generatedBy: modelJson.generatedBy,
      convertedBy: modelJson.convertedBy,
      signature: modelJson.signature,
      weightSpecs,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  };
  return { handler, inputName };
}

async function loadPosenetGraph(jsonPath) {
  await tf.setBackend('cpu');
  await tf.ready();
  const { handler, inputName } = fileHandler(jsonPath);
  const model = await tf.loadGraphModel(handler);
  return { model, inputName };
}

// NHWC [1, H, W, C] -> NCHW planes.
function nhwcToPlanes(values, height, width, channels) {
  const planes = new Float32Array(values.length);
  const area = height * width;
  for (let i = 0; i < area; i++) {
    for (let c = 0; c < channels; c++) planes[c * area + i] = values[i * channels + c];
  }
  return planes;
}

// input: Float32Array NHWC [1, size, size, 3]. Returns { role: Float32Array NCHW }.
function runPosenetGraph({ model, inputName }, input, size) {
  const outputs = {};
  tf.tidy(() => {
    const image = tf.tensor4d(input, [1, size, size, 3], 'float32');
    const results = model.execute({ [inputName]: image }, ROLES.map((role) => role.tfjsNode));
    ROLES.forEach(({ role, channels }, index) => {
      const [batch, height, width, depth] = results[index].shape;
      if (batch !== 1 || depth !== channels) throw new Error(`${role}: unexpected shape ${results[index].shape}`);
      outputs[role] = nhwcToPlanes(results[index].dataSync(), height, width, channels);
    });
  });
  return outputs;
}

// The same preprocessing as preprocess.js, built from TF.js ops; golden.js
// checks the two agree bit for bit, which is what ties preprocess.js to TF.
function tfjsPreprocess(rgb, width, height, size, box) {
  let values;
  tf.tidy(() => {
    const image = tf.tensor3d(Int32Array.from(rgb), [height, width, 3], 'int32');
    const padded = tf.pad(image, [
      [box.padTop, box.padBottom],
      [box.padLeft, box.padRight],
      [0, 0],
    ]);
    const resized = tf.image.resizeBilinear(padded, [size, size], false, false);
    values = resized.div(127.5).sub(1).dataSync();
  });
  return values;
}

function versions() {
  return { ...tf.version, backend: tf.getBackend(), node: process.versions.node };
}

module.exports = { loadPosenetGraph, runPosenetGraph, tfjsPreprocess, versions };
