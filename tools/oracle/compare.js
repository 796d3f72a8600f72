'use strict';
// Output comparison against the golden values and its table.

function sameShape(a, b) {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

// Passes when the shapes agree, every value is finite and
// max|got - ref| <= relativeTolerance * max|ref|. Scaling by the output's
// largest magnitude keeps values near zero from failing on rounding alone.
function compareOutput(got, gotShape, ref, refShape, relativeTolerance) {
  const result = { shape: gotShape, max_abs_tfjs: 0, max_abs_diff: 0, limit: 0, worst_index: -1, passed: false };
  if (!sameShape(gotShape, refShape)) {
    return { ...result, problem: `shape [${gotShape}] differs from the golden [${refShape}]` };
  }
  for (let i = 0; i < ref.length; i++) {
    result.max_abs_tfjs = Math.max(result.max_abs_tfjs, Math.abs(ref[i]));
    const diff = Number.isFinite(got[i]) ? Math.abs(got[i] - ref[i]) : Infinity;
    if (diff > result.max_abs_diff || result.worst_index < 0) {
      result.max_abs_diff = diff;
      result.worst_index = i;
    }
  }
  result.limit = relativeTolerance * result.max_abs_tfjs;
  result.passed = result.max_abs_diff <= result.limit;
  if (!result.passed) result.problem = result.max_abs_diff === Infinity ? 'non-finite value' : 'difference above the limit';
  return result;
}

function printTable(rows) {
  const header = ['image', 'size', 'output', 'max|tfjs|', 'max|diff|', 'limit', 'status'];
  const lines = rows.map((row) => [
    row.image,
    String(row.size),
    row.role,
    row.max_abs_tfjs.toExponential(3),
    row.max_abs_diff.toExponential(3),
    row.limit.toExponential(3),
    row.passed ? 'ok' : `FAIL (${row.problem}${row.worst_index >= 0 ? ` at index ${row.worst_index}` : ''})`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  console.log(format(header));
  for (const line of lines) console.log(format(line));
}

module.exports = { compareOutput, printTable };
