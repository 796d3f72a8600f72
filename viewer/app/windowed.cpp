#include "viewer/app/windowed.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "tools/vkpose/image_io.h"
#include "viewer/app/controls.h"
#include "viewer/app/draw_slots.h"
#include "viewer/app/hud_text.h"
#include "viewer/app/playback.h"
#include "viewer/app/pose_loop.h"
#include "viewer/app/script.h"
#include "viewer/app/startup.h"
#include "viewer/app/stats.h"
#include "viewer/gpu/device.h"
#include "viewer/gpu/readback.h"
#include "viewer/render/renderer.h"
#include "viewer/window/surface.h"
#include "viewer/window/swapchain.h"
#include "viewer/window/window.h"

namespace vkpose::view {

namespace {

using Clock = std::chrono::steady_clock;

// While minimised the loop only wakes to run due script steps; ten times a
// second keeps a delayed "restore" on time at no measurable CPU cost.
constexpr double kMinimisedWakeSeconds = 0.1;

// Window state changes go to stderr. Flushing stdout first keeps the two in
// order where they share a pipe (the tests check the order).
void logState(const char* text) {
  std::fflush(stdout);
  std::fprintf(stderr, "vkpose-view: %s\n", text);
}

class WindowedRun {
 public:
  WindowedRun(const ViewerOptions& options, ValidationLog& log, Inputs inputs)
      : options_(options),
        inputs_(std::move(inputs)),
        window_(options.window_width, options.window_height, inputs_.first.width, inputs_.first.height,
                "vkpose-view: " + inputs_.source->describe()),
        instance_(window_.requiredInstanceExtensions(), log),
        surface_(instance_, window_),
        device_(instance_, surface_),
        format_(Swapchain::chooseFormat(device_, surface_)),
        renderer_(device_, format_.format, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR),
        swapchain_(device_, surface_, format_, renderer_.renderPass()),
        poses_(device_, estimatorOptions(options, inputs_.model_path)),
        slots_(device_, Renderer::kSlots),
        playback_(*inputs_.source, options.slide_seconds, inputs_.first, Clock::now()),
        script_(options.script),
        background_(options.background),
        min_confidence_(options.min_confidence) {
    swapchain_.recreate(window_.framebufferSize());
    // Latency counts from decoding; the first frame waited for the device
    // and the window to come up, which is no part of it.
    inputs_.first.decoded_at = Clock::now();
    poses_.setFrame(inputs_.first, 0);
  }

  int run() {
    for (;;) {
      window_.poll();
      if (!applyActions()) return finish("quit");
      if (window_.shouldClose()) return finish("window closed");
      if (window_.minimised()) {
        idleWhileMinimised();
        continue;
      }
      if (minimised_) leaveMinimised();
      if (!advanceSource()) continue;
      drawOnce();
      if (options_.max_frames && shown_ >= options_.max_frames) return finish("frame limit reached");
    }
  }

 private:
  int finish(const char* why) {
    poses_.collectAll();
    std::printf("vkpose-view: %s after %lld frames\n", why, static_cast<long long>(shown_));
    return 0;
  }

  // Nothing to draw into (the framebuffer may even be 0x0): no frame is
  // decoded, estimated or drawn, and the loop sleeps in the event wait.
  void idleWhileMinimised() {
    if (!minimised_) enterMinimised();
    window_.waitEvents(kMinimisedWakeSeconds);
    ++minimised_wakeups_;
  }

  // Playback holds its clock meanwhile: a video goes on from the frame it
  // showed, a slideshow's picture keeps the rest of its time.
  void enterMinimised() {
    minimised_ = true;
    minimised_at_ = Clock::now();
    minimised_wakeups_ = 0;
    resume_on_restore_ = !playback_.paused();
    playback_.setPaused(true, minimised_at_);
    char text[96];
    std::snprintf(text, sizeof text, "minimised after %lld frames; drawing stops until restored",
                  static_cast<long long>(shown_));
    logState(text);
  }

  void leaveMinimised() {
    minimised_ = false;
    Clock::time_point now = Clock::now();
    if (resume_on_restore_) playback_.setPaused(false, now);
    // Restored at another size (or from a 0x0 framebuffer): the resize
    // callback normally says so; comparing catches a platform that does not.
    VkExtent2D size = window_.framebufferSize();
    VkExtent2D built = swapchain_.extent();
    if (size.width != built.width || size.height != built.height) stale_swapchain_ = true;
    char text[128];
    std::snprintf(text, sizeof text, "restored after %.2f s (%lld wake-ups while minimised); drawing at %ux%u",
                  std::chrono::duration<double>(now - minimised_at_).count(),
                  static_cast<long long>(minimised_wakeups_), size.width, size.height);
    logState(text);
  }

  // Keys pressed and script steps now due; false to quit.
  bool applyActions() {
    std::vector<Action> actions = window_.takeActions();
    for (const ScriptStep& step : script_.due(shown_, Clock::now())) {
      if (step.width > 0) window_.setSize(step.width, step.height);
      else if (auto a = actionForName(step.action)) actions.push_back(*a);
    }
    for (Action a : actions)
      if (!apply(a)) return false;
    return true;
  }

  bool apply(Action a) {
    switch (a) {
      case Action::InputSizeUp: case Action::InputSizeDown: {
        int size = stepInputSize(poses_.inputSize(), poses_.outputStride(), a == Action::InputSizeUp ? 1 : -1);
        if (size != poses_.inputSize()) poses_.setInputSize(size);
        notify("input size " + std::to_string(size));
        break;
      }
      case Action::ConfidenceDown: case Action::ConfidenceUp:
        min_confidence_ = stepMinConfidence(min_confidence_, a == Action::ConfidenceUp ? 1 : -1);
        break;
      case Action::Pause:
        if (minimised_) resume_on_restore_ = !resume_on_restore_;  // playback is held until then
        else playback_.setPaused(!playback_.paused(), Clock::now());
        break;
      case Action::Screenshot: screenshot_requested_ = true; break;
      case Action::Background:
        background_ = !background_;
        if (!background_) poses_.collectAll();  // sync from here on: nothing left in flight
        break;
      case Action::Help: help_ = !help_; break;
      case Action::NextImage: playback_.requestNext(); break;
      case Action::Quit: return false;
      case Action::Close: window_.requestClose(); break;
      case Action::Iconify:
        if (!window_.iconify()) logState("the window was not minimised: no window manager acted on the request");
        break;
      case Action::Restore: window_.restore(); break;
    }
    return true;
  }

  // Uploads the source's next frame if one is due; false when the window
  // should rather wait (a video frame not yet due, nothing else to redraw).
  bool advanceSource() {
    if (playback_.poll(frame_, Clock::now())) {
      poses_.setFrame(frame_, slots_.completedSerial());
      return true;
    }
    if (auto due = playback_.nextDue(); due && shown_ > 0) {
      double wait = std::chrono::duration<double>(*due - Clock::now()).count();
      if (wait > 0) {
        // Keys pressed meanwhile are handled on the next turn of the loop.
        window_.waitEvents(std::min(wait, 0.05));
        return false;
      }
    }
    return true;
  }

  void drawOnce() {
    DrawSlot& slot = slots_.next(++serial_);
    if (window_.takeResized() || stale_swapchain_) {
      swapchain_.recreate(window_.framebufferSize());
      stale_swapchain_ = false;
    }
    std::optional<uint32_t> image = swapchain_.acquire(slot.acquired);
    if (!image) {
      stale_swapchain_ = true;
      return;
    }
    slots_.beginRecording(slot);
    slots_.mark(slot);
    if (background_) poses_.estimateInBackground();
    else poses_.estimateNow();

    DrawInputs in = drawInputs(swapchain_.extent());
    poses_.noteDraw(serial_);
    renderer_.record(slot.draw, slot.index, swapchain_.framebuffer(*image), swapchain_.extent(), in);
    std::unique_ptr<ImageReadback> shot;
    if (screenshot_requested_ && swapchain_.canCopyFrom()) {
      shot = std::make_unique<ImageReadback>(device_, swapchain_.extent(), swapchain_.format());
      shot->record(slot.draw, swapchain_.image(*image), VK_IMAGE_LAYOUT_PRESENT_SRC_KHR);
    }
    VkSemaphore rendered = swapchain_.renderedSemaphore(*image);
    slots_.submit(slot, slot.acquired, rendered);
    if (!swapchain_.present(*image, rendered)) stale_swapchain_ = true;
    if (screenshot_requested_) saveScreenshot(slot, shot.get());
    ++shown_;
    updateStats();
  }

  DrawInputs drawInputs(VkExtent2D extent) {
    DrawInputs in;
    if (poses_.currentUpload() != texture_upload_) {
      renderer_.texture().resize(poses_.currentWidth(), poses_.currentHeight());
      in.new_frame = poses_.currentBuffer();
      texture_upload_ = poses_.currentUpload();
    }
    in.min_confidence = min_confidence_;
    const std::optional<PoseResult>& pose = poses_.latest();
    // A pose of a differently sized picture (background mode, just after a
    // slideshow moved on) would land in the wrong place: draw none instead.
    if (pose && pose->width == poses_.currentWidth() && pose->height == poses_.currentHeight()) {
      Rect rect = renderer_.frameRect(extent);
      StrokeSizes strokes = windowStrokes(rect.width / float(poses_.currentWidth()));
      in.skeleton = skeletonInstances(pose->pose, min_confidence_, strokes.bone_radius, strokes.dot_radius);
    }
    // As large as fits the window's width: 1x to 1.5x stb_easy_font's size, 2x on very wide windows.
    std::vector<std::string> lines = hudLines(hudState());
    float largest = extent.width >= 1600 ? 2.0f : 1.5f;
    float scale = std::clamp((float(extent.width) - 16) / textPanelWidth(lines), 1.0f, largest);
    appendTextPanel(in.hud, 8, 8, lines, scale);
    return in;
  }

  HudState hudState() const {
    HudState s;
    s.source = inputs_.source->describe();
    s.fps = fps_.fps();
    s.gpu_pose_ms = gpu_pose_ms_.value();
    s.gpu_draw_ms = gpu_draw_ms_.value();
    s.latency_ms = latency_ms_.value();
    s.input_size = poses_.inputSize();
    s.min_confidence = min_confidence_;
    s.background = background_;
    s.frames_in_flight = options_.frames_in_flight;
    s.lag_frames = poses_.lagFrames();
    s.paused = playback_.paused();
    s.ended = playback_.ended() && inputs_.source->kind() != SourceKind::Image;
    s.help = help_;
    if (Clock::now() < notice_until_) s.notice = notice_;
    return s;
  }

  void updateStats() {
    fps_.tick();
    if (auto t = slots_.lastTimes()) {
      gpu_pose_ms_.add(t->pose_ms);
      gpu_draw_ms_.add(t->draw_ms);
    }
    if (const auto& pose = poses_.latest(); pose && pose->sequence != pose_sequence_) {
      latency_ms_.add(pose->latency_ms);
      pose_sequence_ = pose->sequence;
    }
  }

  void saveScreenshot(DrawSlot& slot, const ImageReadback* shot) {
    screenshot_requested_ = false;
    if (!shot) {
      notify("screenshots are not supported by this window surface");
      return;
    }
    slots_.waitFor(slot);
    std::string dir = options_.out_dir.empty() ? "." : options_.out_dir;
    std::filesystem::create_directories(dir);
    char name[48];
    std::snprintf(name, sizeof name, "/screenshot_%06lld.png", static_cast<long long>(shown_));
    VkExtent2D e = shot->extent();
    cli::savePng(dir + name, {int(e.width), int(e.height), shot->rgba()});
    std::printf("vkpose-view: saved %s%s (%ux%u)\n", dir.c_str(), name, e.width, e.height);
    notify(std::string("saved ") + (name + 1));
  }

  void notify(const std::string& text) {
    notice_ = text;
    notice_until_ = Clock::now() + std::chrono::seconds(3);
  }

  const ViewerOptions& options_;
  Inputs inputs_;
  Window window_;
  GpuInstance instance_;
  Surface surface_;
  GpuDevice device_;
  VkSurfaceFormatKHR format_;
  Renderer renderer_;
  Swapchain swapchain_;
  PoseLoop poses_;
  DrawSlots slots_;
  Playback playback_;
  ScriptPlayer script_;

  RgbaFrame frame_;
  bool background_;
  float min_confidence_;
  bool help_ = false;
  bool screenshot_requested_ = false;
  bool stale_swapchain_ = false;
  uint64_t serial_ = 0;
  uint64_t texture_upload_ = 0;
  int64_t shown_ = 0;
  bool minimised_ = false;
  bool resume_on_restore_ = false;  // playback ran when the window was minimised
  Clock::time_point minimised_at_;
  int64_t minimised_wakeups_ = 0;
  FpsCounter fps_;
  Smoothed gpu_pose_ms_, gpu_draw_ms_, latency_ms_;
  uint64_t pose_sequence_ = 0;
  std::string notice_;
  Clock::time_point notice_until_;
};

}  // namespace

int runWindowed(const ViewerOptions& options, ValidationLog& log) {
  Inputs inputs = openInputs(options, /*loop_slideshow=*/true);
  WindowedRun run(options, log, std::move(inputs));
  return run.run();
}

}  // namespace vkpose::view
