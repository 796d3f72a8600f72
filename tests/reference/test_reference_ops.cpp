// Checks the CPU reference against cases small enough to compute by hand.
// Every expected value below is derived in the comment beside it, so a
// reader can verify the reference without trusting any other code.

#include "tests/reference/reference_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace vkpose::ref {
namespace {

// Values start, start+1, ... in CHW order, so in.at(0, y, x) = start + y*w + x.
Tensor iota(int c, int h, int w, double start = 0.0) {
    Tensor t = Tensor::zeros(c, h, w);
    std::iota(t.data.begin(), t.data.end(), start);
    return t;
}

void expectTensor(const Tensor& t, int c, int h, int w, const std::vector<double>& expected) {
    ASSERT_EQ(t.c, c);
    ASSERT_EQ(t.h, h);
    ASSERT_EQ(t.w, w);
    ASSERT_EQ(t.data.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(t.data[i], expected[i], 1e-12) << "index " << i;
}

// The message must name the problem; a bare "invalid argument" would send
// whoever hits it into the debugger.
template <typename Call>
void expectInvalidArgument(Call call, const std::string& expected_fragment) {
    try {
        call();
        ADD_FAILURE() << "expected std::invalid_argument mentioning '" << expected_fragment << "'";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(expected_fragment), std::string::npos) << "message: " << e.what();
    }
}

ConvSpec kernel(int kh, int kw) {
    ConvSpec spec;
    spec.kh = kh;
    spec.kw = kw;
    return spec;
}

std::vector<double> ones(std::size_t count) { return std::vector<double>(count, 1.0); }

// ---- Tensor ----

TEST(ReferenceTensor, IndexIsChannelMajorThenRowThenColumn) {
    const Tensor t = iota(2, 3, 4);
    EXPECT_EQ(t.at(0, 0, 1), 1.0);
    EXPECT_EQ(t.at(0, 1, 0), 4.0);   // one row = w = 4
    EXPECT_EQ(t.at(1, 0, 0), 12.0);  // one plane = h*w = 12
    EXPECT_EQ(t.at(1, 2, 3), 23.0);  // (1*3 + 2)*4 + 3
}

TEST(ReferenceTensor, ZerosHasRequestedShape) {
    const Tensor t = Tensor::zeros(2, 3, 5);
    EXPECT_EQ(t.data.size(), 30u);
    EXPECT_EQ(t.data, std::vector<double>(30, 0.0));
}

TEST(ReferenceTensor, AtRejectsOutOfRangeCoordinates) {
    Tensor t = Tensor::zeros(1, 2, 2);
    EXPECT_THROW(t.at(0, 2, 0), std::out_of_range);
    EXPECT_THROW(t.at(0, 0, -1), std::out_of_range);
    EXPECT_THROW(t.at(1, 0, 0), std::out_of_range);
}

// ---- geometry ----

TEST(ReferenceGeometry, ConvOutputSize) {
    EXPECT_EQ(convOutputSize(5, 3, 1, 1, 0, 0), 3);  // 5-3+1
    EXPECT_EQ(convOutputSize(5, 3, 2, 1, 1, 1), 3);  // (7-3)/2+1
    EXPECT_EQ(convOutputSize(6, 3, 2, 1, 0, 0), 2);  // floor(3/2)+1
    EXPECT_EQ(convOutputSize(7, 3, 1, 2, 0, 0), 3);  // effective kernel 5: 7-5+1
    EXPECT_EQ(convOutputSize(2, 3, 1, 1, 0, 0), 0);  // kernel does not fit
    EXPECT_EQ(convOutputSize(1, 4, 2, 1, 0, 0), -1);  // floor(-3/2)+1, not truncation's 0
}

TEST(ReferenceGeometry, SamePaddingOddInputSplitsEvenly) {
    // out = ceil(257/2) = 129; total = 128*2 + 3 - 257 = 2 -> 1/1
    const Padding p = samePadding(257, 257, 3, 3, 2, 2, 1, 1);
    EXPECT_EQ(p.top, 1);
    EXPECT_EQ(p.bottom, 1);
    EXPECT_EQ(p.left, 1);
    EXPECT_EQ(p.right, 1);
}

TEST(ReferenceGeometry, SamePaddingEvenInputPutsExtraAtEnd) {
    // out = 128; total = 127*2 + 3 - 256 = 1 -> 0 before, 1 after
    const Padding p = samePadding(256, 256, 3, 3, 2, 2, 1, 1);
    EXPECT_EQ(p.top, 0);
    EXPECT_EQ(p.bottom, 1);
    EXPECT_EQ(p.left, 0);
    EXPECT_EQ(p.right, 1);
}

TEST(ReferenceGeometry, SamePaddingTreatsAxesIndependently) {
    // h: in 5, k 3, s 1, d 2 -> effective kernel 5, total 4 -> 2/2
    // w: in 9, k 2, s 4 -> out 3, total 2*4 + 2 - 9 = 1 -> 0/1
    const Padding p = samePadding(5, 9, 3, 2, 1, 4, 2, 1);
    EXPECT_EQ(p.top, 2);
    EXPECT_EQ(p.bottom, 2);
    EXPECT_EQ(p.left, 0);
    EXPECT_EQ(p.right, 1);
}

TEST(ReferenceGeometry, SamePaddingNeverNegative) {
    // in 11, k 1, s 3 -> out 4, total 3*3 + 1 - 11 = -1 -> clamped to 0
    const Padding p = samePadding(11, 11, 1, 1, 3, 3, 1, 1);
    EXPECT_EQ(p.top + p.bottom + p.left + p.right, 0);
}

// ---- conv2d ----

TEST(ReferenceConv, IsCrossCorrelationWithoutKernelFlip) {
    // input 1..9, weights 1..9, one output: sum i*i = 285 (a flipped kernel gives sum i*(10-i) = 165)
    const Tensor out = conv2d(iota(1, 3, 3, 1.0), iota(1, 3, 3, 1.0).data, {}, 1, kernel(3, 3));
    expectTensor(out, 1, 1, 1, {285});
}

TEST(ReferenceConv, AsymmetricPadding) {
    // input        pad top 1, right 1; 3x3 ones kernel -> 2x2 output
    //  1 2 3       (0,0): rows 0-1, cols 0-2 = 1+2+3+4+5+6 = 21
    //  4 5 6       (0,1): rows 0-1, cols 1-2 = 2+3+5+6     = 16
    //  7 8 9       (1,0): rows 0-2, cols 0-2               = 45
    //              (1,1): rows 0-2, cols 1-2 = 16+8+9      = 33
    ConvSpec spec = kernel(3, 3);
    spec.pad = Padding{1, 0, 0, 1};
    const Tensor out = conv2d(iota(1, 3, 3, 1.0), ones(9), {}, 1, spec);
    expectTensor(out, 1, 2, 2, {21, 16, 45, 33});
}

TEST(ReferenceConv, TopLeftTapReadsUpAndLeftThroughPadding) {
    // Only weight (0,0) set, pad 1: out(y,x) = in(y-1, x-1), zero where that falls in the padding.
    ConvSpec spec = kernel(3, 3);
    spec.pad = Padding{1, 1, 1, 1};
    const std::vector<double> weights = {1, 0, 0, 0, 0, 0, 0, 0, 0};
    const Tensor out = conv2d(iota(1, 3, 3, 1.0), weights, {}, 1, spec);
    expectTensor(out, 1, 3, 3, {0, 0, 0, 0, 1, 2, 0, 4, 5});
}

TEST(ReferenceConv, Stride2) {
    // input v = 5y + x on 5x5; 3x3 ones, stride 2 -> 2x2
    // a 3x3 block at (r, c) sums to 5*3*(r+r+1+r+2) + 3*(c+c+1+c+2)
    // (0,0): 45+9 = 54   (0,1): 45+27 = 72   (1,0): 135+9 = 144   (1,1): 135+27 = 162
    ConvSpec spec = kernel(3, 3);
    spec.stride_h = spec.stride_w = 2;
    const Tensor out = conv2d(iota(1, 5, 5), ones(9), {}, 1, spec);
    expectTensor(out, 1, 2, 2, {54, 72, 144, 162});
}

TEST(ReferenceConv, StrideAppliesPerAxis) {
    // input v = 5y + x on 3x5; 1x1 weight 1, stride_h 2, stride_w 1 -> rows 0 and 2, all columns
    ConvSpec spec;
    spec.stride_h = 2;
    const Tensor out = conv2d(iota(1, 3, 5), {1.0}, {}, 1, spec);
    expectTensor(out, 1, 2, 5, {0, 1, 2, 3, 4, 10, 11, 12, 13, 14});
}

TEST(ReferenceConv, Dilation2) {
    // input v = 5y + x on 5x5; 3x3 ones dilated by 2 reads rows/cols {0,2,4}:
    // 5*3*(0+2+4) + 3*(0+2+4) = 90 + 18 = 108
    ConvSpec spec = kernel(3, 3);
    spec.dilation_h = spec.dilation_w = 2;
    const Tensor out = conv2d(iota(1, 5, 5), ones(9), {}, 1, spec);
    expectTensor(out, 1, 1, 1, {108});
}

TEST(ReferenceConv, Dilation2WithPadding) {
    // pad 2 keeps 5x5; out(0,0) taps rows/cols {-2,0,2}, valid {0,2}: 0+2+10+12 = 24
    // out(2,2) taps rows/cols {0,2,4}: 108 as above; out(4,4) taps {2,4,6}, valid {2,4}: 12+14+22+24 = 72
    ConvSpec spec = kernel(3, 3);
    spec.dilation_h = spec.dilation_w = 2;
    spec.pad = Padding{2, 2, 2, 2};
    const Tensor out = conv2d(iota(1, 5, 5), ones(9), {}, 1, spec);
    ASSERT_EQ(out.h, 5);
    ASSERT_EQ(out.w, 5);
    EXPECT_EQ(out.at(0, 0, 0), 24);
    EXPECT_EQ(out.at(0, 2, 2), 108);
    EXPECT_EQ(out.at(0, 4, 4), 72);
}

TEST(ReferenceConv, DepthwiseKeepsChannelsSeparate) {
    // ch0 = 1..9 with ones kernel -> 45; ch1 = 10..18 with kernel of 2s -> 2*126 = 252
    ConvSpec spec = kernel(3, 3);
    spec.groups = 2;
    std::vector<double> weights = ones(9);
    weights.insert(weights.end(), 9, 2.0);
    const Tensor out = conv2d(iota(2, 3, 3, 1.0), weights, {}, 2, spec);
    expectTensor(out, 2, 1, 1, {45, 252});
}

TEST(ReferenceConv, GroupsReadOnlyTheirOwnInputChannels) {
    // cin 4, cout 2, groups 2: out0 = 1*in0 + 10*in1, out1 = 100*in2 + 1000*in3
    // input [1,2,3,4] -> out0 = 21, out1 = 300 + 4000 = 4300
    ConvSpec spec;
    spec.groups = 2;
    const Tensor out = conv2d(iota(4, 1, 1, 1.0), {1, 10, 100, 1000}, {}, 2, spec);
    expectTensor(out, 2, 1, 1, {21, 4300});
}

TEST(ReferenceConv, GroupsWithChannelMultiplier) {
    // cin 2, cout 4, groups 2: out0, out1 read in0 = 3; out2, out3 read in1 = 5
    ConvSpec spec;
    spec.groups = 2;
    const Tensor in{2, 1, 1, {3, 5}};
    const Tensor out = conv2d(in, {1, 2, 3, 4}, {}, 4, spec);
    expectTensor(out, 4, 1, 1, {3, 6, 15, 20});
}

TEST(ReferenceConv, BiasAddsPerOutputChannel) {
    // 1x1, cin 2 -> cout 2: out0 = in0 + in1, out1 = in0 - in1
    // in0 = [1,2], in1 = [3,4] -> out0 = [4,6] + 0.5, out1 = [-2,-2] - 1
    const Tensor in{2, 1, 2, {1, 2, 3, 4}};
    const Tensor out = conv2d(in, {1, 1, 1, -1}, {0.5, -1}, 2, ConvSpec{});
    expectTensor(out, 2, 1, 2, {4.5, 6.5, -3, -3});
}

TEST(ReferenceConv, EpilogueRunsAfterBias) {
    // as above, then ReLU6: [4.5, 6.5] -> [4.5, 6]; [-3, -3] -> [0, 0]
    ConvSpec spec;
    spec.epilogue = Epilogue{Activation::Clip, 0, 6};
    const Tensor in{2, 1, 2, {1, 2, 3, 4}};
    const Tensor out = conv2d(in, {1, 1, 1, -1}, {0.5, -1}, 2, spec);
    expectTensor(out, 2, 1, 2, {4.5, 6, 0, 0});
}

TEST(ReferenceConv, RejectsBadArguments) {
    const Tensor in = iota(3, 4, 4);
    ConvSpec grouped;
    grouped.groups = 2;
    expectInvalidArgument([&] { conv2d(in, ones(3), {}, 2, grouped); }, "cin 3 is not divisible by groups 2");
    grouped.groups = 3;
    expectInvalidArgument([&] { conv2d(in, ones(4), {}, 4, grouped); }, "cout 4 is not divisible by groups 3");
    expectInvalidArgument([&] { conv2d(in, ones(5), {}, 2, ConvSpec{}); }, "weights has 5 elements, expected 6");
    expectInvalidArgument([&] { conv2d(in, ones(6), {1.0}, 2, ConvSpec{}); }, "bias has 1 elements");
    expectInvalidArgument([&] { conv2d(in, ones(3 * 25), {}, 1, kernel(5, 5)); }, "empty output");
    const Tensor mis_sized{1, 2, 2, {1, 2, 3}};
    expectInvalidArgument([&] { conv2d(mis_sized, {1.0}, {}, 1, ConvSpec{}); }, "has 3 elements but shape 1x2x2");
}

// ---- activations ----

TEST(ReferenceActivation, None) { EXPECT_EQ(activate(-2.5, Epilogue{}), -2.5); }

TEST(ReferenceActivation, Relu) {
    const Epilogue relu{Activation::Relu};
    EXPECT_EQ(activate(-2, relu), 0);
    EXPECT_EQ(activate(3, relu), 3);
}

TEST(ReferenceActivation, ClipDefaultsToRelu6) {
    const Epilogue relu6{Activation::Clip};
    EXPECT_EQ(activate(-1, relu6), 0);
    EXPECT_EQ(activate(3, relu6), 3);
    EXPECT_EQ(activate(7, relu6), 6);
}

TEST(ReferenceActivation, ClipUsesGivenBounds) {
    const Epilogue clip{Activation::Clip, -1, 1};
    EXPECT_EQ(activate(-5, clip), -1);
    EXPECT_EQ(activate(0.25, clip), 0.25);
    EXPECT_EQ(activate(5, clip), 1);
    expectInvalidArgument([] { activate(0, Epilogue{Activation::Clip, 2, 1}); }, "clip_min exceeds clip_max");
}

TEST(ReferenceActivation, Sigmoid) {
    const Epilogue sigmoid{Activation::Sigmoid};
    EXPECT_EQ(activate(0, sigmoid), 0.5);
    EXPECT_NEAR(activate(std::log(3.0), sigmoid), 0.75, 1e-15);  // 1 / (1 + 1/3)
    EXPECT_NEAR(activate(-std::log(3.0), sigmoid), 0.25, 1e-15);
    EXPECT_EQ(activate(-1000, sigmoid), 0.0);  // exp overflow must not become NaN
    EXPECT_EQ(activate(1000, sigmoid), 1.0);
}

// ---- pooling ----

PoolSpec pool3x3Stride2Pad1() {
    PoolSpec spec;
    spec.kh = spec.kw = 3;
    spec.stride_h = spec.stride_w = 2;
    spec.pad = Padding{1, 1, 1, 1};
    return spec;
}

TEST(ReferencePool, MaxIgnoresPaddingEvenWhenAllValuesAreNegative) {
    // input -1..-9; each window sees a 2x2 corner of the input:
    // (0,0) {-1,-2,-4,-5} -> -1   (0,1) {-2,-3,-5,-6} -> -2
    // (1,0) {-4,-5,-7,-8} -> -4   (1,1) {-5,-6,-8,-9} -> -5   (zero padding would give 0s)
    Tensor in = iota(1, 3, 3, 1.0);
    for (double& v : in.data) v = -v;
    expectTensor(maxPool(in, pool3x3Stride2Pad1()), 1, 2, 2, {-1, -2, -4, -5});
}

TEST(ReferencePool, AvgExcludesPaddingByDefault) {
    // input 1..9, windows as above: sums 12, 16, 24, 28 over 4 cells each
    expectTensor(avgPool(iota(1, 3, 3, 1.0), pool3x3Stride2Pad1()), 1, 2, 2, {3, 4, 6, 7});
}

TEST(ReferencePool, AvgCountIncludePadDividesByKernelArea) {
    PoolSpec spec = pool3x3Stride2Pad1();
    spec.count_include_pad = true;
    expectTensor(avgPool(iota(1, 3, 3, 1.0), spec), 1, 2, 2, {12.0 / 9, 16.0 / 9, 24.0 / 9, 28.0 / 9});
}

PoolSpec pool2x2Stride2PadEnd() {
    // SAME for in 3, k 2, s 2: total 1 -> all of it after
    PoolSpec spec;
    spec.kh = spec.kw = 2;
    spec.stride_h = spec.stride_w = 2;
    spec.pad = Padding{0, 0, 1, 1};
    return spec;
}

TEST(ReferencePool, AvgWithAsymmetricPadding) {
    // input 1..9: (0,0) {1,2,4,5}/4 = 3   (0,1) {3,6}/2 = 4.5   (1,0) {7,8}/2 = 7.5   (1,1) {9}/1 = 9
    expectTensor(avgPool(iota(1, 3, 3, 1.0), pool2x2Stride2PadEnd()), 1, 2, 2, {3, 4.5, 7.5, 9});
}

TEST(ReferencePool, AvgWithAsymmetricPaddingCountingPad) {
    // same sums 12, 9, 15, 9, each over the full 2x2 window
    PoolSpec spec = pool2x2Stride2PadEnd();
    spec.count_include_pad = true;
    expectTensor(avgPool(iota(1, 3, 3, 1.0), spec), 1, 2, 2, {3, 2.25, 3.75, 2.25});
}

TEST(ReferencePool, PoolsEachChannelSeparately) {
    // 2x2 window, stride 2 on 2x2x2: one output per channel
    PoolSpec spec;
    spec.kh = spec.kw = 2;
    spec.stride_h = spec.stride_w = 2;
    const Tensor in{2, 2, 2, {1, 2, 3, 4, 10, 20, 30, 40}};
    expectTensor(maxPool(in, spec), 2, 1, 1, {4, 40});
    expectTensor(avgPool(in, spec), 2, 1, 1, {2.5, 25});
}

TEST(ReferencePool, RejectsBadArguments) {
    PoolSpec spec = pool3x3Stride2Pad1();
    spec.pad.left = 3;
    expectInvalidArgument([&] { maxPool(iota(1, 3, 3), spec); }, "padding must be smaller than the kernel");
    PoolSpec too_big;
    too_big.kh = too_big.kw = 4;
    expectInvalidArgument([&] { avgPool(iota(1, 3, 3), too_big); }, "empty output");
    expectInvalidArgument([&] { avgPool(iota(1, 3, 3), PoolSpec{}); }, "kernel size must be positive");
}

// ---- add ----

TEST(ReferenceAdd, AddsElementwise) {
    const Tensor a{1, 2, 2, {1, 2, 3, 4}};
    const Tensor b{1, 2, 2, {10, -20, 30, -40}};
    expectTensor(add(a, b), 1, 2, 2, {11, -18, 33, -36});
}

TEST(ReferenceAdd, AppliesEpilogue) {
    const Tensor a{1, 2, 2, {1, 2, 3, 4}};
    const Tensor b{1, 2, 2, {10, -20, 30, -40}};
    expectTensor(add(a, b, Epilogue{Activation::Relu}), 1, 2, 2, {11, 0, 33, 0});
}

TEST(ReferenceAdd, RejectsShapeMismatch) {
    expectInvalidArgument([] { add(iota(1, 2, 2), iota(1, 4, 1)); }, "shape mismatch 1x2x2 vs 1x4x1");
}

// ---- argmax ----

TEST(ReferenceArgmax, TiesGoToLowestIndex) {
    const Tensor t{1, 1, 3, {1, 5, 5}};
    EXPECT_EQ(argmaxPlane(t, 0), 1);
}

TEST(ReferenceArgmax, IndexIsRowMajorWithinTheChosenChannel) {
    // ch1 = [[0,7],[3,7]]: the 7s sit at row-major 1 and 3 -> 1; ch0's larger 9 is ignored
    const Tensor t{2, 2, 2, {9, 0, 0, 0, 0, 7, 3, 7}};
    EXPECT_EQ(argmaxPlane(t, 1), 1);
    EXPECT_EQ(argmaxPlane(t, 0), 0);
}

TEST(ReferenceArgmax, SecondRowWinner) {
    // [[1,2,3],[4,9,6]]: 9 at y 1, x 1 -> 1*3 + 1 = 4
    const Tensor t{1, 2, 3, {1, 2, 3, 4, 9, 6}};
    EXPECT_EQ(argmaxPlane(t, 0), 4);
}

TEST(ReferenceArgmax, AllNegativeAndAllEqual) {
    EXPECT_EQ(argmaxPlane(Tensor{1, 1, 3, {-3, -1, -2}}, 0), 1);
    EXPECT_EQ(argmaxPlane(Tensor{1, 2, 2, {-4, -4, -4, -4}}, 0), 0);
}

TEST(ReferenceArgmax, RejectsChannelOutOfRange) {
    expectInvalidArgument([] { argmaxPlane(iota(2, 2, 2), 2); }, "channel 2 outside 0..1");
}

}  // namespace
}  // namespace vkpose::ref
