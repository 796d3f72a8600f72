'use strict';
// Compares a `vkpose run --json` result with the golden keypoints that
// golden.js decoded from the original TF.js graph's outputs.
//   node check-keypoints.js RESULT.json IMAGE SIZE [--tolerance PX]
// Exits 1 when any keypoint is further than the tolerance (source pixels)
// or its score differs by more than 1e-3.
const fs = require('fs');
const path = require('path');

function fail(message) {
  console.error(`check-keypoints: ${message}`);
  process.exit(1);
}

function main(argv) {
  const [resultPath, image, sizeText] = argv;
  if (!resultPath || !image || !sizeText) fail('usage: node check-keypoints.js RESULT.json IMAGE SIZE [--tolerance PX]');
  const tolIndex = argv.indexOf('--tolerance');
  const tolerance = tolIndex >= 0 ? Number(argv[tolIndex + 1]) : 0.01;
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../tests/data/golden/manifest.json'), 'utf8'));
  const entry = manifest.entries.find((e) => e.image === image && e.size === Number(sizeText));
  if (!entry) fail(`no golden entry for ${image} at ${sizeText}`);
  const result = JSON.parse(fs.readFileSync(resultPath, 'utf8'));
  if (!Array.isArray(result) || result.length !== 1) fail('expected a COCO results array with one pose');
  const kp = result[0].keypoints;
  if (!Array.isArray(kp) || kp.length !== 3 * entry.keypoints.length) fail('expected 17 x [x, y, score]');
  let worst = 0;
  entry.keypoints.forEach((golden, i) => {
    const [y, x] = golden.source_yx;
    const shift = Math.hypot(kp[3 * i] - x, kp[3 * i + 1] - y);
    const scoreDiff = Math.abs(kp[3 * i + 2] - golden.score);
    worst = Math.max(worst, shift);
    const ok = shift <= tolerance && scoreDiff <= 1e-3;
    console.log(`${golden.name.padEnd(14)} shift ${shift.toExponential(2)} px  score diff ${scoreDiff.toExponential(2)}  ${ok ? 'ok' : 'FAIL'}`);
    if (!ok) process.exitCode = 1;
  });
  console.log(process.exitCode ? `FAIL (worst shift ${worst} px)` : `PASS: worst shift ${worst.toExponential(2)} px`);
}

main(process.argv.slice(2));
