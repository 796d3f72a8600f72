'use strict';
// Single-pose decoding, for the manifest's convenience fields: per keypoint,
// the heatmap cell with the highest logit and the position it points at.
// Multi-pose decoding (displacements) is the runtime's job, not the oracle's.
const { OUTPUT_STRIDE, gridSize } = require('./golden_format');

function sigmoid(logit) {
  return 1 / (1 + Math.exp(-logit));
}

// Row-major scan, first maximum wins on ties.
function argmaxCell(heatmap, keypoint, grid) {
  const plane = heatmap.subarray(keypoint * grid * grid, (keypoint + 1) * grid * grid);
  let best = 0;
  for (let i = 1; i < plane.length; i++) if (plane[i] > plane[best]) best = i;
  return { y: Math.floor(best / grid), x: best % grid, logit: plane[best] };
}

// Offsets: channel k is y, channel 17 + k is x (in model-input pixels).
// model position = cell * stride + offset; source = model * scale - pad.
function decodeKeypoints(outputs, size, letterbox, names) {
  const grid = gridSize(size);
  const area = grid * grid;
  return names.map((name, k) => {
    const cell = argmaxCell(outputs.heatmap, k, grid);
    const at = cell.y * grid + cell.x;
    const modelY = cell.y * OUTPUT_STRIDE + outputs.offsets[k * area + at];
    const modelX = cell.x * OUTPUT_STRIDE + outputs.offsets[(names.length + k) * area + at];
    return {
      name,
      score: sigmoid(cell.logit),
      logit: cell.logit,
      cell_yx: [cell.y, cell.x],
      model_yx: [modelY, modelX],
      source_yx: [modelY * letterbox.scale - letterbox.padTop, modelX * letterbox.scale - letterbox.padLeft],
    };
  });
}

module.exports = { decodeKeypoints };
