// Checks a `vkpose-view --headless` run over a video: the expected number of
// PNGs, each with a skeleton drawn where keypoints.json says, keypoints that
// are finite and inside the frame, and plausible motion from frame to frame.
// Usage: check_headless DIR FRAMES MIN_SCORE [--crowd]. Prints PASS or FAIL: why.
// --crowd: a scene of several small people (vtest.avi), where the single-pose
// model finds no one confidently and jumps between people: no person-found
// or motion checks then.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "viewer/tests/checker_support.h"

namespace vkpose::view::check {
namespace {

struct FrameRecord {
  int width = 0, height = 0;
  double timestamp = 0;
  std::string file;
  Pose pose;
};

std::vector<FrameRecord> readFrames(const std::string& dir) {
  nlohmann::json doc = readJson(dir + "/keypoints.json");
  std::vector<FrameRecord> frames;
  for (const auto& f : doc.at("frames")) {
    if (!f.at("score").is_number()) throw std::runtime_error("a pose score is not a number");
    frames.push_back({f.at("width").get<int>(), f.at("height").get<int>(), f.at("timestamp").get<double>(),
                      f.at("file").get<std::string>(), poseFromTriples(f.at("keypoints"))});
    frames.back().pose.score = f.at("score").get<float>();
  }
  return frames;
}

bool inside(const Keypoint& k, const FrameRecord& f, float margin) {
  return k.x >= -margin && k.x <= float(f.width) + margin && k.y >= -margin && k.y <= float(f.height) + margin;
}

// Confident keypoints inside the frame, a person found, and the skeleton
// drawn in the PNG at each keypoint scoring min_score or more. Keypoints the
// model barely believes in (under 0.3) may sit just past an edge (the
// heatmap's offsets point there, and the runtime does not clamp), but never
// far: 10 % of the frame.
std::string checkFrame(const std::string& dir, size_t i, const FrameRecord& f, float min_score, bool crowd) {
  std::string where = "frame " + std::to_string(i) + ": ";
  float margin = 0.1f * float(std::max(f.width, f.height));
  for (const Keypoint& k : f.pose.keypoints)
    if (!inside(k, f, k.score >= 0.3f ? 0.f : margin))
      return where + "keypoint (" + std::to_string(k.x) + ", " + std::to_string(k.y) + ") scoring " +
             std::to_string(k.score) + " lies outside the frame";
  if (!crowd && f.pose.score < 0.3f) return where + "pose score " + std::to_string(f.pose.score) + " (no person found)";
  cli::Image png = cli::loadImage(dir + "/" + f.file);
  if (png.width != f.width || png.height != f.height) return where + f.file + " has the wrong size";
  size_t skeleton = 0;
  for (int y = 0; y < png.height; ++y)
    for (int x = 0; x < png.width; ++x) skeleton += isSkeletonColour(pixel(png, x, y), 6);
  if (skeleton < (crowd ? 20u : 200u)) return where + "only " + std::to_string(skeleton) + " skeleton pixels in " + f.file;
  for (const Keypoint& k : f.pose.keypoints)
    if (k.score >= min_score && inside(k, f, 0) && !isSkeletonColour(pixel(png, int(k.x), int(k.y)), 6))
      return where + "no skeleton dot at keypoint (" + std::to_string(k.x) + ", " + std::to_string(k.y) + ")";
  return {};
}

// Median and largest move of the keypoints confident in both frames.
std::string checkMotion(size_t i, const FrameRecord& a, const FrameRecord& b, double& worst_median) {
  std::vector<double> moves;
  for (size_t k = 0; k < a.pose.keypoints.size(); ++k) {
    const Keypoint& p = a.pose.keypoints[k];
    const Keypoint& q = b.pose.keypoints[k];
    if (p.score >= 0.5f && q.score >= 0.5f) moves.push_back(std::hypot(double(p.x - q.x), double(p.y - q.y)));
  }
  if (moves.size() < 5) return "frames " + std::to_string(i - 1) + "-" + std::to_string(i) + ": under 5 confident keypoints";
  std::sort(moves.begin(), moves.end());
  double diagonal = std::hypot(double(b.width), double(b.height));
  double median = moves[moves.size() / 2], largest = moves.back();
  worst_median = std::max(worst_median, median / diagonal);
  // A person squatting at 5 fps moves at most a few percent of the frame per
  // frame; a keypoint jumping across the picture means decoding went wrong.
  if (median > 0.08 * diagonal || largest > 0.30 * diagonal)
    return "frames " + std::to_string(i - 1) + "-" + std::to_string(i) + ": keypoints moved " + std::to_string(median) +
           " px (median), " + std::to_string(largest) + " px (largest)";
  if (b.timestamp < a.timestamp) return "timestamps go backwards at frame " + std::to_string(i);
  return {};
}

int run(const std::string& dir, size_t expected, float min_score, bool crowd) {
  std::vector<FrameRecord> frames = readFrames(dir);
  if (frames.size() != expected)
    return fail("keypoints.json holds " + std::to_string(frames.size()) + " frames, expected " + std::to_string(expected));
  size_t pngs = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) pngs += e.path().extension() == ".png";
  if (pngs != expected) return fail(std::to_string(pngs) + " PNGs in " + dir + ", expected " + std::to_string(expected));
  double worst_median = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    std::string problem = checkFrame(dir, i, frames[i], min_score, crowd);
    if (problem.empty() && i > 0 && !crowd) problem = checkMotion(i, frames[i - 1], frames[i], worst_median);
    if (!problem.empty()) return fail(problem);
  }
  std::printf("PASS: %zu frames, keypoints finite, confident ones inside the frame, skeletons drawn at every keypoint scoring %.2f+",
              frames.size(), double(min_score));
  if (!crowd) std::printf(", largest median move %.1f%% of the diagonal", worst_median * 100);
  std::printf("\n");
  return 0;
}

}  // namespace
}  // namespace vkpose::view::check

int main(int argc, char** argv) {
  bool crowd = argc == 5 && std::string(argv[4]) == "--crowd";
  if (argc != 4 && !crowd) {
    std::fprintf(stderr, "usage: check_headless DIR FRAMES MIN_SCORE [--crowd]\n");
    return 2;
  }
  try {
    return vkpose::view::check::run(argv[1], size_t(std::atoi(argv[2])), std::strtof(argv[3], nullptr), crowd);
  } catch (const std::exception& e) {
    return vkpose::view::check::fail(e.what());
  }
}
