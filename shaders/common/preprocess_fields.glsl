// The push-constant fields that describe a frame and how preprocessing
// samples it; included inside a push block by preprocess.comp and
// preprocess_conv.comp, which frame_source.glsl's functions read as p.*.
// Mirrors PreprocessPush in runtime/ops/preprocess.cpp.
  uint frame_width;
  uint frame_height;
  uint row_stride;   // bytes
  uint pixel_bytes;  // 3 or 4
  uint red_byte;     // byte of each channel within a pixel (BGRA swaps red and blue)
  uint green_byte;
  uint blue_byte;
  int origin_x;      // frame pixel of window position 0
  int origin_y;
  uint span_x;       // window extent in frame pixels
  uint span_y;
  uint model_size;
  float divisor;     // model input = pixel / divisor + bias
  float bias_r;
  float bias_g;
  float bias_b;
