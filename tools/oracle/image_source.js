'use strict';
// Test photos as RGB8 pixels. Decoding goes through the project's
// vkpose-image-to-rgb (stb_image) so the oracles and the C++ tests see the
// same pixels; JPEG decoders differ in their last bits.
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const IMAGES_DIR = path.join(REPO_ROOT, 'tests', 'data', 'images');
const TOOL_NAME = 'vkpose-image-to-rgb';
const TOOL_SEARCH_DIRS = ['build/release/tools', 'build/debug/tools'];

function sha256Hex(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

// The --image-to-rgb flag wins, then $VKPOSE_IMAGE_TO_RGB, then the usual
// build folders.
function resolveImageTool(explicitPath) {
  const chosen = explicitPath || process.env.VKPOSE_IMAGE_TO_RGB;
  if (chosen) {
    if (!fs.existsSync(chosen)) throw new Error(`${TOOL_NAME} not found at '${chosen}'`);
    return chosen;
  }
  for (const dir of TOOL_SEARCH_DIRS) {
    const candidate = path.join(REPO_ROOT, dir, TOOL_NAME);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${TOOL_NAME} not found in ${TOOL_SEARCH_DIRS.join(', ')}; build it ` +
      `(cmake --build build/release --target ${TOOL_NAME}) or pass --image-to-rgb PATH`,
  );
}

// Layout written by vkpose-image-to-rgb: uint32 LE width, height, then RGB8.
function parseRgbFile(bytes, label) {
  if (bytes.length < 8) throw new Error(`${label}: ${bytes.length} bytes, shorter than the 8-byte header`);
  const width = bytes.readUInt32LE(0);
  const height = bytes.readUInt32LE(4);
  const expected = 8 + width * height * 3;
  if (width === 0 || height === 0 || bytes.length !== expected) {
    throw new Error(`${label}: header says ${width}x${height} (${expected} bytes) but the file has ${bytes.length}`);
  }
  return { width, height, rgb: new Uint8Array(bytes.subarray(8)) };
}

function decodeImage(imagePath, toolPath) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vkpose-oracle-'));
  const rgbPath = path.join(scratch, 'image.rgb');
  try {
    execFileSync(toolPath, [imagePath, rgbPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    return parseRgbFile(fs.readFileSync(rgbPath), imagePath);
  } catch (error) {
    const detail = error.stderr ? String(error.stderr).trim() : error.message;
    throw new Error(`cannot decode ${imagePath}: ${detail}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

// The committed photos, in a stable order.
function listImages(dir = IMAGES_DIR) {
  const names = fs.readdirSync(dir).filter((name) => /\.(jpe?g|png)$/i.test(name));
  if (names.length === 0) throw new Error(`no .jpg or .png files in ${dir}`);
  return names.sort().map((name) => path.join(dir, name));
}

module.exports = { REPO_ROOT, IMAGES_DIR, sha256Hex, resolveImageTool, decodeImage, listImages };
