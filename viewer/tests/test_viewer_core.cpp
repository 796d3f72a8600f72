// The viewer's pure parts, without a GPU or a window: command line, key
// steps, letterbox and skeleton geometry, HUD text, keypoints.json, and the
// media sources on committed files.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "viewer/app/actions.h"
#include "viewer/app/controls.h"
#include "viewer/app/hud_text.h"
#include "viewer/app/keypoints_json.h"
#include "viewer/app/playback.h"
#include "viewer/app/script.h"
#include "viewer/media/source.h"
#include "viewer/options.h"
#include "viewer/render/hud.h"
#include "viewer/render/layout.h"

namespace vkpose::view {
namespace {

const std::string kData = VKPOSE_TEST_DATA_DIR;

TEST(ViewerOptions, ParsesSourceAndFlags) {
  ViewerOptions o = parseViewerOptions({"--headless", "--out", "d", "--frames", "50", "--input-size", "161", "clip.mp4"});
  EXPECT_TRUE(o.headless);
  EXPECT_EQ(o.out_dir, "d");
  EXPECT_EQ(o.max_frames, 50);
  EXPECT_EQ(o.input_size, 161);
  EXPECT_EQ(o.source, "clip.mp4");
  EXPECT_FALSE(o.fp16.has_value());  // the device's preferred precision
  EXPECT_EQ(parseViewerOptions({"--fp16"}).fp16, std::optional<bool>(true));
  EXPECT_EQ(parseViewerOptions({"--fp32", "--fp32"}).fp16, std::optional<bool>(false));
}

TEST(ViewerOptions, RefusesWhatCannotWork) {
  EXPECT_THROW(parseViewerOptions({"--frobnicate"}), std::invalid_argument);
  EXPECT_THROW(parseViewerOptions({"--headless", "a.jpg"}), std::invalid_argument);  // no --out
  EXPECT_THROW(parseViewerOptions({"a.jpg", "b.jpg"}), std::invalid_argument);
  EXPECT_THROW(parseViewerOptions({"--min-confidence", "2"}), std::invalid_argument);
  EXPECT_THROW(parseViewerOptions({"--size", "800"}), std::invalid_argument);
  EXPECT_THROW(parseViewerOptions({"--fp32", "--fp16"}), std::invalid_argument);
  EXPECT_THROW(parseViewerOptions({"--headless", "--out", "d", "--script", "1:s"}), std::invalid_argument);
}

TEST(ViewerOptions, ScriptSteps) {
  std::vector<ScriptStep> steps = parseScript("3:s,5:resize=640x480,7:+,9:close");
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].frame, 3);
  EXPECT_EQ(steps[1].width, 640);
  EXPECT_EQ(steps[1].height, 480);
  EXPECT_EQ(actionForName(steps[2].action), Action::InputSizeUp);
  EXPECT_EQ(actionForName(steps[3].action), Action::Close);
  EXPECT_THROW(parseScript("3:jump"), std::invalid_argument);
  EXPECT_THROW(parseScript("s"), std::invalid_argument);
}

TEST(ViewerOptions, ScriptIconifyRestoreAndDelays) {
  std::vector<ScriptStep> steps = parseScript("2:iconify,2+1.5s:restore,4+0s:s");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(actionForName(steps[0].action), Action::Iconify);
  EXPECT_EQ(steps[0].delay_seconds, 0);
  EXPECT_EQ(actionForName(steps[1].action), Action::Restore);
  EXPECT_EQ(steps[1].frame, 2);
  EXPECT_DOUBLE_EQ(steps[1].delay_seconds, 1.5);
  EXPECT_EQ(steps[2].frame, 4);
  EXPECT_EQ(actionForName(steps[2].action), Action::Screenshot);
  // Keys never minimise or restore: those are window events, scripted only.
  for (unsigned c = 0; c < 128; ++c) {
    EXPECT_NE(actionForCharacter(c), Action::Iconify);
    EXPECT_NE(actionForCharacter(c), Action::Restore);
  }
  EXPECT_THROW(parseScript("2:minimise"), std::invalid_argument);
  EXPECT_THROW(parseScript("2+1.5:restore"), std::invalid_argument);  // no unit
  EXPECT_THROW(parseScript("2+s:restore"), std::invalid_argument);
  EXPECT_THROW(parseScript("2+-1s:restore"), std::invalid_argument);
  EXPECT_THROW(parseScript("2+nans:restore"), std::invalid_argument);
  EXPECT_THROW(parseScript("-1:iconify"), std::invalid_argument);
  EXPECT_THROW(parseScript("+1s:iconify"), std::invalid_argument);
}

TEST(ViewerScript, StepsRunOnceAtTheirFrame) {
  ScriptPlayer player(parseScript("0:h,2:s,2:b,5:esc"));
  auto t = ScriptPlayer::Clock::time_point{};
  ASSERT_EQ(player.due(0, t).size(), 1u);
  EXPECT_TRUE(player.due(0, t).empty());  // once only
  EXPECT_TRUE(player.due(1, t).empty());
  std::vector<ScriptStep> at2 = player.due(2, t);
  ASSERT_EQ(at2.size(), 2u);
  EXPECT_EQ(at2[0].action, "s");  // script order
  EXPECT_EQ(at2[1].action, "b");
  EXPECT_TRUE(player.due(2, t).empty());
}

TEST(ViewerScript, DelayCountsFromTheFrameWithoutNewFrames) {
  // Minimised at frame 2: no frame is shown, the restore comes by time alone.
  ScriptPlayer player(parseScript("2:iconify,2+1.5s:restore,4:s"));
  auto t0 = ScriptPlayer::Clock::time_point{} + std::chrono::seconds(10);
  EXPECT_TRUE(player.due(1, t0).empty());
  std::vector<ScriptStep> first = player.due(2, t0 + std::chrono::milliseconds(100));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].action, "iconify");
  EXPECT_TRUE(player.due(2, t0 + std::chrono::milliseconds(1500)).empty());  // 1.4 s after frame 2
  std::vector<ScriptStep> restore = player.due(2, t0 + std::chrono::milliseconds(1600));
  ASSERT_EQ(restore.size(), 1u);
  EXPECT_EQ(restore[0].action, "restore");
  EXPECT_TRUE(player.due(3, t0 + std::chrono::seconds(2)).empty());
  EXPECT_EQ(player.due(4, t0 + std::chrono::seconds(2)).size(), 1u);
}

TEST(ViewerKeys, CharactersMapToActions) {
  EXPECT_EQ(actionForCharacter('+'), Action::InputSizeUp);
  EXPECT_EQ(actionForCharacter('='), Action::InputSizeUp);
  EXPECT_EQ(actionForCharacter('-'), Action::InputSizeDown);
  EXPECT_EQ(actionForCharacter(']'), Action::ConfidenceUp);
  EXPECT_EQ(actionForCharacter(' '), Action::Pause);
  EXPECT_EQ(actionForCharacter('B'), Action::Background);
  EXPECT_FALSE(actionForCharacter('x'));
}

TEST(ViewerKeys, InputSizeStepsThroughValidSizes) {
  EXPECT_EQ(stepInputSize(257, 16, 1), 273);
  EXPECT_EQ(stepInputSize(257, 16, -1), 241);
  EXPECT_EQ(stepInputSize(161, 16, -1), 161);  // the smallest a key reaches
  EXPECT_EQ(stepInputSize(801, 16, 1), 801);
  EXPECT_EQ(stepInputSize(129, 16, 1), 161);   // from below the key range (--input-size 129)
  EXPECT_EQ(stepInputSize(1025, 16, -1), 801); // from above it
  for (int size = 161; size < 801; size = stepInputSize(size, 16, 1)) EXPECT_EQ((size - 1) % 16, 0);
}

TEST(ViewerKeys, ConfidenceSteps) {
  EXPECT_FLOAT_EQ(stepMinConfidence(0.3f, 1), 0.35f);
  EXPECT_FLOAT_EQ(stepMinConfidence(0.0f, -1), 0.0f);
  EXPECT_FLOAT_EQ(stepMinConfidence(0.95f, 1), 0.95f);
}

TEST(ViewerLayout, LetterboxAndPillarbox) {
  Rect wide = fitFrame(1000, 500, 800, 800);  // bars above and below
  EXPECT_FLOAT_EQ(wide.x, 0);
  EXPECT_FLOAT_EQ(wide.y, 200);
  EXPECT_FLOAT_EQ(wide.width, 800);
  EXPECT_FLOAT_EQ(wide.height, 400);
  Rect tall = fitFrame(720, 1280, 900, 640);  // bars left and right
  EXPECT_FLOAT_EQ(tall.height, 640);
  EXPECT_FLOAT_EQ(tall.x, (900 - 360) / 2.0f);
  auto [x, y] = frameToTarget(wide, 1000, 500, 500, 250);
  EXPECT_FLOAT_EQ(x, 400);
  EXPECT_FLOAT_EQ(y, 400);
}

TEST(ViewerLayout, SkeletonKeepsConfidentFiniteKeypoints) {
  Pose pose;
  for (int k = 0; k < kKeypointCount; ++k) pose.keypoints[size_t(k)] = {float(k), float(k), 0.9f};
  EXPECT_EQ(skeletonInstances(pose, 0.3f, 1, 3).size(), size_t(kMaxSkeletonInstances));
  pose.keypoints[9].score = 0.1f;                                      // left wrist: drops one bone and one dot
  pose.keypoints[10].x = std::numeric_limits<float>::quiet_NaN();      // right wrist: the same
  std::vector<SkeletonInstance> s = skeletonInstances(pose, 0.3f, 1, 3);
  EXPECT_EQ(s.size(), size_t(kMaxSkeletonInstances) - 4);
  EXPECT_FLOAT_EQ(s.back().radius, 3);  // dots come last, on top of the bones
  EXPECT_FLOAT_EQ(s.front().radius, 1);
}

TEST(ViewerLayout, ConfidenceColoursMatchTheCli) {
  EXPECT_EQ(confidenceColour(0.3f, 0.3f), (std::array<uint8_t, 3>{255, 0, 40}));
  EXPECT_EQ(confidenceColour(1.0f, 0.3f), (std::array<uint8_t, 3>{0, 255, 40}));
}

TEST(ViewerHud, LinesNameEverySetting) {
  HudState s;
  s.source = "video clip.mp4";
  s.fps = 12.5;
  s.gpu_pose_ms = 20;
  s.gpu_draw_ms = 2;
  s.latency_ms = 90;
  s.input_size = 257;
  s.min_confidence = 0.3f;
  s.background = true;
  s.frames_in_flight = 3;
  s.lag_frames = 2;
  std::string all;
  for (const std::string& line : hudLines(s)) all += line + "\n";
  for (const char* expected : {"12.5 fps", "GPU 22.0 ms", "latency 90 ms", "input 257", "min confidence 0.30",
                               "background", "2 frames behind"})
    EXPECT_NE(all.find(expected), std::string::npos) << expected << " missing from\n" << all;
}

TEST(ViewerHud, TextBecomesWholeTriangles) {
  std::vector<HudVertex> v;
  float bottom = appendTextPanel(v, 0, 0, {"fps 12", "\xc3\xa9 non-ASCII is drawn as ?"}, 2);
  EXPECT_GT(bottom, 24);
  EXPECT_GT(v.size(), 6u);
  EXPECT_EQ(v.size() % 3, 0u);
}

TEST(ViewerKeypointsJson, NonFiniteNumbersBecomeNull) {
  FramePose f{0, 0.0, 10, 10, "frame_000000.png", {}};
  f.pose.keypoints[0].x = std::numeric_limits<float>::quiet_NaN();
  std::string json = keypointsJson("test", 257, 0.3f, {f});
  EXPECT_NE(json.find("[null, 0.0000, 0.0000]"), std::string::npos) << json;
  EXPECT_EQ(json.find("nan"), std::string::npos);
}

TEST(ViewerMedia, ImagePaths) {
  EXPECT_TRUE(isImagePath("a/B.JPG"));
  EXPECT_TRUE(isImagePath("x.png"));
  EXPECT_FALSE(isImagePath("clip.mp4"));
}

TEST(ViewerMedia, ImageOnce) {
  auto source = openSource(kData + "/images/pose.jpg");
  RgbaFrame f;
  ASSERT_TRUE(source->next(f));
  EXPECT_EQ(f.width, 1000);
  EXPECT_EQ(f.height, 667);
  EXPECT_EQ(f.pixels.size(), f.bytes());
  EXPECT_FALSE(source->next(f));
}

TEST(ViewerMedia, VideoFramesWithTimestamps) {
  auto source = openSource(kData + "/video/pose_squats.mp4");
  EXPECT_EQ(source->kind(), SourceKind::Video);
  RgbaFrame f;
  double last = -1;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(source->next(f));
    EXPECT_EQ(f.width, 720);
    EXPECT_EQ(f.height, 1280);
    EXPECT_EQ(f.index, i);
    EXPECT_GT(f.timestamp, last);
    last = f.timestamp;
  }
  EXPECT_NEAR(last, 0.4, 1e-3);  // 5 fps
}

TEST(ViewerMedia, SlideshowSkipsOtherFilesAndLoops) {
  auto source = openSource(kData + "/images", {.loop_slideshow = true});  // also holds PROVENANCE.md
  RgbaFrame f;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(source->next(f));
  EXPECT_EQ(f.index, 4);  // four photos, and round again
  auto once = openSource(kData + "/images");
  int shown = 0;
  while (once->next(f)) ++shown;
  EXPECT_EQ(shown, 4);
}

TEST(ViewerMedia, ClearErrors) {
  auto message = [](const std::string& spec) {
    try {
      openSource(spec);
    } catch (const MediaError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(kData + "/no-such.mp4").find("no such file"), std::string::npos);
  EXPECT_NE(message(kData + "/images/PROVENANCE.md").find("Invalid data"), std::string::npos);
  EXPECT_NE(message("/dev/video99").find("no webcam at /dev/video99"), std::string::npos);
  EXPECT_NE(message(kData + "/golden").find("holds no images"), std::string::npos);
}

// Frames at 5 fps (a video), or pictures (a slideshow), with no decoding.
class FakeSource : public FrameSource {
 public:
  explicit FakeSource(SourceKind kind) : kind_(kind) {}
  bool next(RgbaFrame& frame) override {
    frame.index = ++index_;
    frame.timestamp = 0.2 * double(index_);
    return index_ < 10;
  }
  SourceKind kind() const override { return kind_; }
  std::string describe() const override { return "fake"; }

 private:
  SourceKind kind_;
  int64_t index_ = 0;
};

using Clock = Playback::Clock;
Clock::time_point at(Clock::time_point t0, double seconds) {
  return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

TEST(ViewerPlayback, VideoFramesAtTheirTimestamps) {
  FakeSource source(SourceKind::Video);
  Clock::time_point t0 = Clock::now();
  Playback playback(source, 3, RgbaFrame{}, t0);
  RgbaFrame f;
  EXPECT_FALSE(playback.poll(f, at(t0, 0.1)));  // frame 1 is due at 0.2
  ASSERT_TRUE(playback.nextDue());
  EXPECT_NEAR(std::chrono::duration<double>(*playback.nextDue() - t0).count(), 0.2, 1e-6);
  ASSERT_TRUE(playback.poll(f, at(t0, 0.2)));
  EXPECT_EQ(f.index, 1);
  // Far behind (slow estimation): the next frame at once, and the clock
  // restarts from it instead of racing through the backlog.
  ASSERT_TRUE(playback.poll(f, at(t0, 1.0)));
  EXPECT_EQ(f.index, 2);
  EXPECT_FALSE(playback.poll(f, at(t0, 1.1)));
  EXPECT_TRUE(playback.poll(f, at(t0, 1.2)));
}

TEST(ViewerPlayback, PauseHoldsTheClock) {
  FakeSource source(SourceKind::Video);
  Clock::time_point t0 = Clock::now();
  Playback playback(source, 3, RgbaFrame{}, t0);
  RgbaFrame f;
  EXPECT_FALSE(playback.poll(f, at(t0, 0.1)));
  playback.setPaused(true, at(t0, 0.1));
  EXPECT_FALSE(playback.poll(f, at(t0, 5.0)));
  EXPECT_FALSE(playback.nextDue());
  playback.setPaused(false, at(t0, 5.0));
  EXPECT_FALSE(playback.poll(f, at(t0, 5.05)));  // 0.1 s into the video: frame 1 still 0.1 s away
  EXPECT_TRUE(playback.poll(f, at(t0, 5.1)));
}

TEST(ViewerPlayback, SlideshowAdvancesOnTimeOrRequest) {
  FakeSource source(SourceKind::Slideshow);
  Clock::time_point t0 = Clock::now();
  Playback playback(source, 3, RgbaFrame{}, t0);
  RgbaFrame f;
  EXPECT_FALSE(playback.poll(f, at(t0, 2.9)));
  EXPECT_TRUE(playback.poll(f, at(t0, 3.0)));
  playback.requestNext();
  EXPECT_TRUE(playback.poll(f, at(t0, 3.1)));
  EXPECT_FALSE(playback.poll(f, at(t0, 3.2)));
}

TEST(ViewerPlayback, StillImageNeverChanges) {
  FakeSource source(SourceKind::Image);
  Clock::time_point t0 = Clock::now();
  Playback playback(source, 3, RgbaFrame{}, t0);
  RgbaFrame f;
  EXPECT_FALSE(playback.poll(f, at(t0, 100)));
  EXPECT_TRUE(playback.ended());
}

}  // namespace
}  // namespace vkpose::view
