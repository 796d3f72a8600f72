#!/usr/bin/env node
'use strict';
// Checks a vkpose-bench JSON report (and its PNG plot) for the tests
// (tests/bench.cmake): structure, plausible numbers, readback within 1 KB,
// and the per-layer list against the model's nodes as `vkpose-convert
// --inspect` lists them. Plain Node, no packages.
//
// Usage: node check-report.js REPORT.json --sizes 129[,257] [--png PLOT.png]
//          [--inspect VKPOSE_CONVERT MODEL.vkpose] [--onnxruntime] [--cold-start] [--no-per-layer]
// Prints PASS, or FAIL with every problem found; exit status 0, 1, or 2 for bad usage.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const USAGE = 'usage: node check-report.js REPORT.json --sizes 129[,257] [--png PLOT.png] ' +
  '[--inspect VKPOSE_CONVERT MODEL.vkpose] [--onnxruntime] [--cold-start] [--no-per-layer]';

function parseArgs(argv) {
  const o = { report: null, sizes: null, png: null, inspect: null, onnxruntime: false, coldStart: false, perLayer: true };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--sizes') o.sizes = value().split(',').map(Number);
    else if (a === '--png') o.png = value();
    else if (a === '--inspect') o.inspect = { tool: value(), model: value() };
    else if (a === '--onnxruntime') o.onnxruntime = true;
    else if (a === '--cold-start') o.coldStart = true;
    else if (a === '--no-per-layer') o.perLayer = false;
    else if (!a.startsWith('--') && !o.report) o.report = a;
    else usage(`unknown argument '${a}'`);
  }
  if (!o.report || !o.sizes) usage('REPORT.json and --sizes are required');
  return o;
}

function usage(message) {
  process.stderr.write(`check-report: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const problems = [];
function expect(condition, message) {
  if (!condition) problems.push(message);
  return condition;
}
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);
const positive = (v) => isNumber(v) && v > 0;
const nonEmpty = (v) => typeof v === 'string' && v.length > 0;

function checkSummary(s, where, samples) {
  if (!expect(s && typeof s === 'object', `${where}: missing`)) return;
  for (const k of ['median', 'p99', 'min', 'max', 'mean']) expect(positive(s[k]), `${where}.${k} = ${s[k]}, expected > 0`);
  expect(s.min <= s.median && s.median <= s.p99 && s.p99 <= s.max, `${where}: min <= median <= p99 <= max does not hold`);
  if (samples !== undefined) expect(s.samples === samples, `${where}.samples = ${s.samples}, expected ${samples}`);
}

// Node names and the displacement heads, as `vkpose-convert --inspect` prints them.
function inspectModel({ tool, model }, size) {
  const text = execFileSync(tool, ['--inspect', model, '--input', String(size)], { encoding: 'utf8' });
  const names = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s{2}(\S+)\s+(Conv2d|DepthwiseConv2d|MaxPool|AveragePool|Add)\s/.exec(line);
    if (m) names.push(m[2]);
  }
  const displacementHeads = text.split('\n').filter((l) => /^\s+displacement_(fwd|bwd) -> /.test(l)).length;
  return { names, displacementHeads };
}

function checkSize(entry, report, options, model) {
  const where = `sizes[size=${entry.size}]`;
  const { iterations } = report.settings;
  expect(entry.heatmap_side === (entry.size - 1) / 16 + 1, `${where}.heatmap_side = ${entry.heatmap_side}`);
  checkSummary(entry.latency_ms, `${where}.latency_ms`, iterations);
  if (report.environment.timestamps) {
    if (expect(entry.gpu_ms, `${where}.gpu_ms is null though the queue has timestamps`)) {
      checkSummary(entry.gpu_ms.total, `${where}.gpu_ms.total`, iterations);
      for (const k of ['preprocess', 'network', 'decode']) expect(positive(entry.gpu_ms[k]), `${where}.gpu_ms.${k} = ${entry.gpu_ms[k]}`);
      const covers = entry.gpu_ms.preprocess_covers;
      expect(typeof covers === 'string' && /^preprocess(\+.+)?$/.test(covers),
        `${where}.gpu_ms.preprocess_covers = ${covers}: "preprocess" or "preprocess+" the first layer`);
      for (const k of ['preprocess', 'network', 'decode']) {
        expect(entry.gpu_ms[k] <= entry.gpu_ms.total.max, `${where}.gpu_ms.${k} exceeds the largest total`);
      }
    }
    const layers = entry.per_layer_gpu_ms;
    if (!options.perLayer) expect(layers === null, `${where}.per_layer_gpu_ms is there despite --no-per-layer`);
    else if (expect(layers, `${where}.per_layer_gpu_ms is null`)) {
      checkSummary(layers.total, `${where}.per_layer_gpu_ms.total`, iterations);
      expect(Array.isArray(layers.layers) && layers.layers.length > 0, `${where}: no layers`);
      expect(layers.layers.length === report.settings.layers_run,
        `${where}: ${layers.layers.length} layers but settings.layers_run = ${report.settings.layers_run}`);
      layers.layers.forEach((l, i) => {
        expect(l.index === i && nonEmpty(l.name) && isNumber(l.median_ms) && l.median_ms >= 0, `${where}.layers[${i}] malformed`);
      });
      if (model) {
        const expected = model.names.length - model.displacementHeads;
        expect(layers.layers.length === expected, `${where}: ${layers.layers.length} layers, but the model has ` +
          `${model.names.length} nodes of which ${model.displacementHeads} are displacement heads single-pose decoding skips (expected ${expected})`);
        expect(report.settings.model_layers === model.names.length,
          `settings.model_layers = ${report.settings.model_layers}, --inspect lists ${model.names.length} nodes`);
        for (const l of layers.layers) expect(model.names.includes(l.name), `${where}: layer '${l.name}' is not a node of the model`);
      }
    }
  }
  // The latency runs without a copy at submit: the frame on the GPU, and written in place.
  for (const k of ['gpu_frame', 'in_place_frame']) {
    const run = entry[k];
    if (!expect(run && typeof run === 'object', `${where}.${k} missing`)) continue;
    checkSummary(run.latency_ms, `${where}.${k}.latency_ms`, iterations);
    if (report.environment.timestamps) checkSummary(run.gpu_ms, `${where}.${k}.gpu_ms`, iterations);
    else expect(run.gpu_ms === null, `${where}.${k}.gpu_ms is there though the queue has no timestamps`);
  }
  // Frames in registered host memory: timed like the others, or the device's refusal.
  const reg = entry.registered_frame;
  if (expect(reg && typeof reg === 'object', `${where}.registered_frame missing`)) {
    if (reg.latency_ms) {
      checkSummary(reg.latency_ms, `${where}.registered_frame.latency_ms`, iterations);
      if (report.environment.timestamps) checkSummary(reg.gpu_ms, `${where}.registered_frame.gpu_ms`, iterations);
    } else {
      expect(typeof reg.refused === 'string' && reg.refused.length > 0, `${where}.registered_frame has neither latency_ms nor a reason it was refused`);
    }
  }
  const t = entry.throughput;
  expect(t && positive(t.frames_per_second) && t.frames === iterations && positive(t.seconds), `${where}.throughput malformed`);
  const m = entry.memory_bytes;
  const slots = report.settings.frames_in_flight;
  if (expect(m, `${where}.memory_bytes missing`)) {
    expect(m.frame_slots === slots, `${where}.memory_bytes.frame_slots = ${m.frame_slots}, expected ${slots}`);
    for (const k of ['weights', 'activations', 'staging', 'readback', 'total', 'device_memory']) expect(positive(m[k]), `${where}.memory_bytes.${k} = ${m[k]}`);
    const frameBytes = report.settings.frame.width * report.settings.frame.height * 4;
    expect(m.staging >= frameBytes * slots, `${where}: staging ${m.staging} B < ${slots} frames of ${frameBytes} B`);
    expect(m.readback >= entry.readback_bytes_per_frame * slots, `${where}: readback ${m.readback} B < ${slots} poses`);
    expect(m.weights + m.activations + m.staging + m.readback === m.total, `${where}: the memory parts do not add up to total`);
    expect(m.total <= m.device_memory, `${where}: more bytes used than allocated`);
  }
  expect(positive(entry.readback_bytes_per_frame) && entry.readback_bytes_per_frame <= 1024,
    `${where}.readback_bytes_per_frame = ${entry.readback_bytes_per_frame}, expected 1..1024`);
  expect(isNumber(entry.pose_score) && entry.pose_score >= 0 && entry.pose_score <= 1, `${where}.pose_score = ${entry.pose_score}`);
  if (options.onnxruntime) {
    const o = entry.onnxruntime;
    if (expect(o, `${where}.onnxruntime missing`)) {
      checkSummary(o.run_ms, `${where}.onnxruntime.run_ms`, iterations);
      for (const k of ['ratio_gpu_to_onnxruntime', 'ratio_network_to_onnxruntime', 'ratio_latency_to_onnxruntime']) {
        expect(positive(o[k]), `${where}.onnxruntime.${k} = ${o[k]}`);
      }
    }
  }
}

function checkPng(path) {
  if (!expect(fs.existsSync(path), `${path} does not exist`)) return;
  const bytes = fs.readFileSync(path);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.length > 1000 && bytes.subarray(0, 8).equals(signature), `${path} is not a PNG`);
  if (bytes.length > 24) {
    const width = bytes.readUInt32BE(16), height = bytes.readUInt32BE(20);
    expect(width >= 400 && height >= 300, `${path} is ${width}x${height}, expected a full-size plot`);
  }
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const report = JSON.parse(fs.readFileSync(options.report, 'utf8'));
  expect(report.tool === 'vkpose-bench', 'tool is not vkpose-bench');
  const env = report.environment || {};
  for (const k of ['device', 'driver', 'driver_version', 'vulkan_version', 'date_utc', 'command_line', 'cpu']) {
    expect(nonEmpty(env[k]), `environment.${k} is missing or empty`);
  }
  expect(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(env.date_utc || ''), `environment.date_utc '${env.date_utc}' is not ISO 8601 UTC`);
  expect(typeof env.validation === 'boolean' && typeof env.timestamps === 'boolean', 'environment.validation/timestamps not booleans');
  const s = report.settings || {};
  expect(nonEmpty(s.model) && positive(s.model_layers) && positive(s.iterations) && positive(s.frames_in_flight), 'settings malformed');
  expect(s.frame && positive(s.frame.width) && positive(s.frame.height) && nonEmpty(s.frame.source), 'settings.frame malformed');
  expect(report.definitions && nonEmpty(report.definitions.gpu_ms), 'definitions missing');
  const sizes = Array.isArray(report.sizes) ? report.sizes : [];
  expect(JSON.stringify(sizes.map((e) => e.size)) === JSON.stringify(options.sizes),
    `sizes [${sizes.map((e) => e.size)}], expected [${options.sizes}]`);
  const model = options.inspect ? inspectModel(options.inspect, options.sizes[0]) : null;
  if (model) expect(model.names.length > 0, `--inspect listed no nodes for ${options.inspect.model}`);
  for (const entry of sizes) checkSize(entry, report, options, model);
  if (options.onnxruntime) {
    const o = report.onnxruntime;
    expect(o && o.ran === true && nonEmpty(o.version) && positive(o.threads), `onnxruntime did not run: ${o && o.skipped}`);
  }
  if (options.coldStart) {
    const c = report.cold_start;
    if (expect(c, 'cold_start missing')) {
      for (const k of ['no_cache', 'warm_cache']) {
        const r = c[k] || {};
        expect(r.ok === true && positive(r.spawn_to_keypoints_ms) && positive(r.child_estimator_ms) &&
          r.child_main_to_keypoints_ms <= r.spawn_to_keypoints_ms, `cold_start.${k} malformed or failed: ${JSON.stringify(r)}`);
        const t = r.child_context_ms || {};
        const parts = ['loader', 'instance', 'physical_device', 'device', 'services'].map((p) => t[p]);
        const sum = parts.reduce((a, b) => a + b, 0);
        // The context is created inside the Estimator constructor, so its parts must fit in it.
        expect(parts.every((v) => typeof v === 'number' && v >= 0) && positive(t.instance) && positive(t.device) &&
          sum <= r.child_estimator_ms, `cold_start.${k}.child_context_ms malformed: ${JSON.stringify(t)}`);
        // The model, the context and the frame slots are timed apart inside the same constructor.
        const e = r.child_estimator_parts_ms || {};
        const own = ['model', 'first_slot', 'other_slots'].map((p) => e[p]);
        expect(own.every((v) => typeof v === 'number' && v >= 0) && positive(e.model) && positive(e.first_slot) &&
          own.reduce((a, b) => a + b, 0) + sum <= r.child_estimator_ms,
          `cold_start.${k}.child_estimator_parts_ms malformed: ${JSON.stringify(e)}`);
        expect(positive(r.child_pipelines) && r.child_pipelines_ms >= 0 &&
          r.child_pipelines_ms <= r.child_estimator_ms + r.child_first_frame_ms,
          `cold_start.${k}: pipelines ${r.child_pipelines} in ${r.child_pipelines_ms} ms malformed`);
        expect(typeof r.child_frame_source_ms === 'number' && r.child_frame_source_ms >= 0 &&
          r.child_frame_source_ms <= r.child_main_to_keypoints_ms, `cold_start.${k}.child_frame_source_ms malformed`);
      }
    }
  }
  if (options.png) checkPng(options.png);
  if (problems.length) {
    process.stdout.write(`FAIL\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`PASS: ${options.report} (${sizes.length} sizes${model ? `, ${model.names.length} model nodes` : ''})\n`);
}

main();
