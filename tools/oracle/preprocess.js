'use strict';
// The reference preprocessing for every golden file. Pure JS, no TF.js, so the
// C++ runtime can reproduce it bit for bit. Steps, for an RGB8 image W x H and
// a model input size N (square):
//
// 1. Letterbox to a square of side S = max(W, H) with black (0) pixels:
//      padH = S - H, padTop = floor(padH / 2), padBottom = padH - padTop
//      padW = S - W, padLeft = floor(padW / 2), padRight = padW - padLeft
//    (tfjs-models posenet's padAndResizeTo rounds both halves with Math.round,
//    which can make the padded image one pixel off square; splitting with
//    floor keeps it exactly square.)
// 2. Resize S x S -> N x N like tf.image.resizeBilinear(alignCorners=false,
//    halfPixelCenters=false), i.e. TF's legacy mapping src = dst * in / out,
//    computed exactly as TF.js's CPU kernel does, in float64:
//      ratio = S / N                       (one division, float64)
//      src   = ratio * dst                 (dst = 0 .. N-1)
//      i0 = floor(src), i1 = min(ceil(src), S - 1), f = src - i0
//      top    = tl + (tr - tl) * fx,  bottom = bl + (br - bl) * fx
//      value  = top + (bottom - top) * fy  -> rounded to float32
// 3. Normalise like MobileNet: float32(float32(value) / 127.5) - 1, each step
//    rounded to float32 (identical to C++ `v / 127.5f - 1.0f` on floats).
//
// Keypoints map back to source pixels with  source = model_xy * scale - pad,
// where scale = S / N and pad = (padTop, padLeft) for (y, x).

// Where the image sits in the letterboxed square, and how to map back.
function letterbox(width, height, size) {
  const side = Math.max(width, height);
  const padH = side - height;
  const padW = side - width;
  const padTop = Math.floor(padH / 2);
  const padLeft = Math.floor(padW / 2);
  return {
    side,
    padTop,
    padBottom: padH - padTop,
    padLeft,
    padRight: padW - padLeft,
    scale: side / size,
  };
}

// One axis of the resize: for each output index, the two source indices and
// the weight of the second. Shared by rows and columns.
function resizeTaps(inSize, outSize) {
  const ratio = inSize / outSize;
  const taps = [];
  for (let dst = 0; dst < outSize; dst++) {
    const src = ratio * dst;
    const lo = Math.floor(src);
    taps.push({ lo, hi: Math.min(Math.ceil(src), inSize - 1), frac: src - lo });
  }
  return taps;
}

// Reads the letterboxed square without materialising it: outside the image
// the value is black.
function paddedPixelReader(rgb, width, height, box) {
  return (y, x, channel) => {
    const sy = y - box.padTop;
    const sx = x - box.padLeft;
    if (sy < 0 || sy >= height || sx < 0 || sx >= width) return 0;
    return rgb[(sy * width + sx) * 3 + channel];
  };
}

function validateImage(rgb, width, height, size) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`preprocess: image size ${width}x${height} is not positive integers`);
  }
  if (rgb.length !== width * height * 3) {
    throw new Error(`preprocess: ${rgb.length} RGB bytes, expected ${width}x${height}x3 = ${width * height * 3}`);
  }
  if (!Number.isInteger(size) || size < 1) throw new Error(`preprocess: input size ${size} is not a positive integer`);
}

// rgb: Uint8Array, row-major RGB8. Returns the model input as a Float32Array
// in NHWC order ([1, size, size, 3]) and the letterbox parameters.
function preprocess(rgb, width, height, size) {
  validateImage(rgb, width, height, size);
  const box = letterbox(width, height, size);
  const pixel = paddedPixelReader(rgb, width, height, box);
  const taps = resizeTaps(box.side, size);
  const input = new Float32Array(size * size * 3);
  let out = 0;
  for (const row of taps) {
    for (const col of taps) {
      for (let c = 0; c < 3; c++) {
        const top = pixel(row.lo, col.lo, c) + (pixel(row.lo, col.hi, c) - pixel(row.lo, col.lo, c)) * col.frac;
        const bottom = pixel(row.hi, col.lo, c) + (pixel(row.hi, col.hi, c) - pixel(row.hi, col.lo, c)) * col.frac;
        const resized = Math.fround(top + (bottom - top) * row.frac);
        input[out++] = Math.fround(Math.fround(resized / 127.5) - 1);
      }
    }
  }
  return { input, letterbox: box };
}

// NHWC [1, size, size, 3] -> NCHW [1, 3, size, size], for ONNX.
function nhwcToNchw(input, size) {
  const planes = new Float32Array(input.length);
  const area = size * size;
  for (let i = 0; i < area; i++) {
    for (let c = 0; c < 3; c++) planes[c * area + i] = input[i * 3 + c];
  }
  return planes;
}

module.exports = { letterbox, preprocess, nhwcToNchw };
