#!/usr/bin/env node
'use strict';
// Times onnxruntime-node (CPU execution provider) on a PoseNet ONNX model at
// each input size: one session.run on a [1,3,N,N] float32 input, the network
// only (no image preprocessing, no keypoint decoding). vkpose-bench runs it
// for --compare-onnxruntime; it also runs on its own.
//
// Usage: node bench/onnxruntime-bench.js [--model M.onnx] [--sizes 161,257]
//          [--iterations 100] [--warmup 3] [--threads N]
// Prints one JSON object on stdout, progress on stderr. Exit status: 0 done
// (a size the model refuses is reported in its entry), 1 onnxruntime or the
// model could not be loaded, 2 bad usage.
//
// onnxruntime-node is found in tools/oracle/node_modules (tools/test.sh
// installs it there), else through NODE_PATH.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const USAGE = `usage: node onnxruntime-bench.js [--model M.onnx] [--sizes 161,257,385,513,641,801]
                                [--iterations 100] [--warmup 3] [--threads N]
  Times onnxruntime-node (CPU) on the model at each size; the network only.
  --threads  intra-op and inter-op thread count (default: ${defaultThreads()}, the CPU threads)`;

function defaultThreads() {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

function usage(message) {
  process.stderr.write(`onnxruntime-bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = {
    model: path.join(__dirname, '..', 'models', 'posenet-mobilenet-v1-075.onnx'),
    sizes: [161, 257, 385, 513, 641, 801],
    iterations: 100,
    warmup: 3,
    threads: defaultThreads(),
  };
  const integer = (flag, text, min) => {
    if (!/^\d+$/.test(text ?? '') || Number(text) < min) usage(`${flag} expects a whole number >= ${min}, got '${text}'`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; ++i) {
    const flag = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${flag} needs a value`));
    if (flag === '--model') options.model = value();
    else if (flag === '--sizes') options.sizes = value().split(',').map((s) => integer('--sizes', s, 1));
    else if (flag === '--iterations') options.iterations = integer(flag, value(), 1);
    else if (flag === '--warmup') options.warmup = integer(flag, value(), 0);
    else if (flag === '--threads') options.threads = integer(flag, value(), 1);
    else if (flag === '-h' || flag === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else usage(`unknown option '${flag}'`);
  }
  return options;
}

function loadOnnxruntime() {
  const local = path.join(__dirname, '..', 'tools', 'oracle', 'node_modules', 'onnxruntime-node');
  const where = fs.existsSync(local) ? local : 'onnxruntime-node';
  try {
    const ort = require(where);
    let version = ort.env && ort.env.versions ? ort.env.versions.node || ort.env.versions.common : undefined;
    try {
      version = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve(where)), '..', 'package.json'))).version;
    } catch (_) { /* keep the runtime's own */ }
    return { ort, version: version || 'unknown' };
  } catch (error) {
    throw new Error(`cannot load onnxruntime-node (looked in ${local} and NODE_PATH): ${error.message}; ` +
      'install it with: (cd tools/oracle && ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci)');
  }
}

function summarise(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const p99 = sorted[Math.min(n, Math.max(1, Math.ceil(0.99 * n))) - 1];
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  return { samples: n, median_ms: median, p99_ms: p99, min_ms: sorted[0], max_ms: sorted[n - 1], mean_ms: mean };
}

// Deterministic values in [-1, 1): what the normalised image would hold.
function input(size) {
  const data = new Float32Array(3 * size * size);
  let state = 12345;
  for (let i = 0; i < data.length; ++i) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    data[i] = (state / 2 ** 32) * 2 - 1;
  }
  return data;
}

async function timeSize(ort, session, size, options) {
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input(size), [1, 3, size, size]) };
  for (let i = 0; i < options.warmup; ++i) await session.run(feeds);
  const samples = [];
  for (let i = 0; i < options.iterations; ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[Konnxruntime-bench: size ${size}: ${i + 1}/${options.iterations}`);
  }
  const summary = summarise(samples);
  process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}onnxruntime-bench: size ${size}: ` +
    `median ${summary.median_ms.toFixed(2)} ms over ${summary.samples} runs\n`);
  return summary;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(options.model)) throw new Error(`${options.model} not found (pass --model M.onnx)`);
  const { ort, version } = loadOnnxruntime();
  let session;
  try {
    session = await ort.InferenceSession.create(options.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.threads,
      interOpNumThreads: options.threads,
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw new Error(`onnxruntime rejected ${options.model}: ${error.message}`);
  }
  const result = {
    onnxruntime: version,
    node: process.version,
    execution_provider: 'cpu',
    model: path.resolve(options.model),
    threads: { intra_op: options.threads, inter_op: options.threads },
    iterations: options.iterations,
    warmup: options.warmup,
    measures: 'session.run on a [1,3,N,N] float32 tensor: the network only, no preprocessing or keypoint decoding',
    sizes: [],
  };
  for (const size of options.sizes) {
    try {
      result.sizes.push({ size, ...(await timeSize(ort, session, size, options)) });
    } catch (error) {
      process.stderr.write(`\nonnxruntime-bench: size ${size}: ${error.message}\n`);
      result.sizes.push({ size, error: error.message });
    }
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`onnxruntime-bench: ${error.message}\n`);
  process.exit(1);
});
