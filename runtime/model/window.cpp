#include "runtime/model/window.h"

#include "engine/error.h"

namespace vkpose {

std::string ConvParams::str() const {
  return "k=" + std::to_string(kernel_h) + "x" + std::to_string(kernel_w) + ",s=" + std::to_string(stride_h) + "x" +
         std::to_string(stride_w) + ",d=" + std::to_string(dilation_h) + "x" + std::to_string(dilation_w) +
         ",pad=" + std::to_string(pad.top) + "," + std::to_string(pad.left) + "," + std::to_string(pad.bottom) + "," +
         std::to_string(pad.right);
}

int convOutputSize(int in, int kernel, int stride, int dilation, int pad_before, int pad_after) {
  int span = in + pad_before + pad_after - dilation * (kernel - 1) - 1;
  // Floor division (span may be negative when the window is larger than the input).
  int q = span >= 0 ? span / stride : -((-span + stride - 1) / stride);
  return q + 1;
}

void validateWindow(const ConvParams& p, Shape in, const char* op) {
  auto fail = [&](const std::string& what) { throw Error(std::string(op) + ": " + what + " (" + p.str() + ")"); };
  if (p.kernel_h < 1 || p.kernel_w < 1) fail("kernel size must be positive");
  if (p.stride_h < 1 || p.stride_w < 1) fail("stride must be positive");
  if (p.dilation_h < 1 || p.dilation_w < 1) fail("dilation must be positive");
  if (p.pad.top < 0 || p.pad.left < 0 || p.pad.bottom < 0 || p.pad.right < 0) fail("padding must not be negative");
  if (in.c < 1 || in.h < 1 || in.w < 1) fail("input shape " + in.str() + " is empty");
  int oh = convOutputSize(in.h, p.kernel_h, p.stride_h, p.dilation_h, p.pad.top, p.pad.bottom);
  int ow = convOutputSize(in.w, p.kernel_w, p.stride_w, p.dilation_w, p.pad.left, p.pad.right);
  if (oh < 1 || ow < 1) fail("window does not fit the " + in.str() + " input");
}

Shape windowOutputShape(const ConvParams& p, Shape in, int out_channels, const char* op) {
  validateWindow(p, in, op);
  return {out_channels, convOutputSize(in.h, p.kernel_h, p.stride_h, p.dilation_h, p.pad.top, p.pad.bottom),
          convOutputSize(in.w, p.kernel_w, p.stride_w, p.dilation_w, p.pad.left, p.pad.right)};
}

}  // namespace vkpose
