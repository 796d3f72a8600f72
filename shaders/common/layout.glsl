// Tensor layout (docs/tensor-layout.md): C4HW4. Channels are grouped in
// blocks of 4; block b holds an HxW plane of vec4, so element (c, y, x) lives
// in vec4 index (c/4 * H + y) * W + x, lane c % 4. Padded lanes are zero.
#ifndef VKPOSE_LAYOUT_GLSL
#define VKPOSE_LAYOUT_GLSL

uint c4hw4Index(uint c4, uint y, uint x, uint h, uint w) { return (c4 * h + y) * w + x; }

#endif
