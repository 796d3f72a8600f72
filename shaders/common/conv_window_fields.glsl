// The push-constant fields that describe a dense conv's window and clip;
// included inside a push block by conv2d.comp and preprocess_conv.comp.
// Mirrors ConvWindowPush in runtime/ops/conv2d.h.
  int kernel_w, kernel_h;
  int stride_w, stride_h;
  int dilation_w, dilation_h;
  int pad_left, pad_top;
  float clip_min, clip_max;
