#include "viewer/app/headless.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "engine/error.h"
#include "tools/vkpose/image_io.h"
#include "viewer/app/draw_slots.h"
#include "viewer/app/keypoints_json.h"
#include "viewer/app/pose_loop.h"
#include "viewer/app/startup.h"
#include "viewer/gpu/device.h"
#include "viewer/headless/offscreen.h"
#include "viewer/render/renderer.h"

namespace vkpose::view {

namespace fs = std::filesystem;

namespace {

std::string frameFileName(int64_t n) {
  char name[32];
  std::snprintf(name, sizeof name, "frame_%06lld.png", static_cast<long long>(n));
  return name;
}

void writeText(const fs::path& path, const std::string& text) {
  // Written next to the target and renamed, so a reader never sees half a file.
  fs::path partial = path;
  partial += ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + partial.string());
  }
  fs::rename(partial, path);
}

class HeadlessRun {
 public:
  HeadlessRun(const ViewerOptions& options, ValidationLog& log, Inputs inputs)
      : options_(options),
        inputs_(std::move(inputs)),
        instance_({}, log),
        device_(instance_, VK_NULL_HANDLE),
        renderer_(device_, OffscreenTarget::kFormat, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL),
        poses_(device_, estimatorOptions(options, inputs_.model_path)),
        slots_(device_, 1) {}

  int run() {
    fs::create_directories(options_.out_dir);
    RgbaFrame& frame = inputs_.first;
    auto start = std::chrono::steady_clock::now();
    int64_t written = 0;
    do {
      drawFrame(frame, written++);
      if (options_.max_frames && written >= options_.max_frames) break;
    } while (inputs_.source->next(frame));
    writeText(fs::path(options_.out_dir) / "keypoints.json",
              keypointsJson(inputs_.source->describe(), poses_.inputSize(), options_.min_confidence, frames_));
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("vkpose-view: wrote %lld frames and keypoints.json to %s (%.2f frames/s)\n",
                static_cast<long long>(written), options_.out_dir.c_str(), double(written) / seconds);
    return 0;
  }

 private:
  void drawFrame(const RgbaFrame& frame, int64_t n) {
    DrawSlot& slot = slots_.next(++serial_);
    poses_.setFrame(frame, slots_.completedSerial());
    slots_.beginRecording(slot);
    slots_.mark(slot);
    poses_.estimateNow();
    if (!target_ || target_->extent().width != uint32_t(frame.width) || target_->extent().height != uint32_t(frame.height)) {
      target_.reset();
      target_ = std::make_unique<OffscreenTarget>(device_, renderer_.renderPass(), frame.width, frame.height);
    }
    renderer_.texture().resize(frame.width, frame.height);
    const Pose& pose = poses_.latest()->pose;
    StrokeSizes strokes = frameStrokes(frame.width, frame.height);
    DrawInputs in;
    in.new_frame = poses_.currentBuffer();
    in.skeleton = skeletonInstances(pose, options_.min_confidence, strokes.bone_radius, strokes.dot_radius);
    in.min_confidence = options_.min_confidence;
    poses_.noteDraw(serial_);
    renderer_.record(slot.draw, slot.index, target_->framebuffer(), target_->extent(), in);
    target_->recordReadback(slot.draw);
    slots_.submit(slot);
    slots_.waitFor(slot);

    std::string file = frameFileName(n);
    cli::savePng((fs::path(options_.out_dir) / file).string(), {frame.width, frame.height, target_->rgba()});
    frames_.push_back({frame.index, frame.timestamp, frame.width, frame.height, file, pose});
  }

  const ViewerOptions& options_;
  Inputs inputs_;
  GpuInstance instance_;
  GpuDevice device_;
  Renderer renderer_;
  PoseLoop poses_;
  DrawSlots slots_;
  std::unique_ptr<OffscreenTarget> target_;
  std::vector<FramePose> frames_;
  uint64_t serial_ = 0;
};

}  // namespace

int runHeadless(const ViewerOptions& options, ValidationLog& log) {
  Inputs inputs = openInputs(options, /*loop_slideshow=*/false);
  HeadlessRun run(options, log, std::move(inputs));
  return run.run();
}

}  // namespace vkpose::view
