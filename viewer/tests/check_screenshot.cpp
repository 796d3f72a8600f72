// Checks a viewer screenshot against the keypoints `vkpose run --json`
// reports for the same image: the frame is placed the way the viewer
// letterboxes it (render/layout.h), every confident keypoint has a dot of its
// confidence colour there, and (nearly) every skeleton-coloured pixel lies on
// the skeleton those keypoints make. Pixels above SKIP_TOP (the HUD) are
// not looked at.
// Usage: check_screenshot SHOT.png IMAGE COCO.json MIN_SCORE SKIP_TOP
#include <cstdlib>
#include <vector>

#include "viewer/render/layout.h"
#include "viewer/tests/checker_support.h"

namespace vkpose::view::check {
namespace {

struct Placement {
  Rect rect;
  int frame_width, frame_height;
  float scale;  // screen pixels per frame pixel
};

double segmentDistance(double px, double py, const SkeletonInstance& s) {
  double abx = s.bx - s.ax, aby = s.by - s.ay;
  double len2 = abx * abx + aby * aby;
  double t = len2 > 0 ? std::clamp(((px - s.ax) * abx + (py - s.ay) * aby) / len2, 0.0, 1.0) : 0.0;
  return std::hypot(px - s.ax - abx * t, py - s.ay - aby * t);
}

// Whether screen pixel (x, y) lies within the drawn skeleton, allowing
// `slack` screen pixels for anti-aliasing.
bool onSkeleton(const std::vector<SkeletonInstance>& skeleton, const Placement& p, int x, int y, double slack) {
  double fx = (x + 0.5 - p.rect.x) / p.scale, fy = (y + 0.5 - p.rect.y) / p.scale;
  for (const SkeletonInstance& s : skeleton)
    if (segmentDistance(fx, fy, s) <= s.radius + slack / p.scale) return true;
  return false;
}

// A dot of some nearby keypoint's confidence colour at each confident keypoint.
std::string checkDots(const cli::Image& shot, const Pose& pose, const Placement& p, float min_score, int skip_top,
                      int& checked) {
  float dot_radius = windowStrokes(p.scale).dot_radius * p.scale;
  for (const Keypoint& k : pose.keypoints) {
    if (k.score < min_score) continue;
    auto [tx, ty] = frameToTarget(p.rect, p.frame_width, p.frame_height, k.x, k.y);
    if (ty < float(skip_top)) continue;
    const uint8_t* px = pixel(shot, int(tx), int(ty));
    bool matches = false;
    for (const Keypoint& other : pose.keypoints) {
      auto [ox, oy] = frameToTarget(p.rect, p.frame_width, p.frame_height, other.x, other.y);
      if (other.score < min_score || std::hypot(ox - tx, oy - ty) > dot_radius + 1) continue;
      auto c = confidenceColour(other.score, min_score);
      matches = matches || (std::abs(px[0] - c[0]) <= 6 && std::abs(px[1] - c[1]) <= 6 && std::abs(px[2] - c[2]) <= 6);
    }
    if (!matches)
      return "at keypoint (" + std::to_string(k.x) + ", " + std::to_string(k.y) + ") -> screen (" + std::to_string(tx) +
             ", " + std::to_string(ty) + ") the pixel is " + std::to_string(px[0]) + "," + std::to_string(px[1]) + "," +
             std::to_string(px[2]) + ", not the dot's confidence colour";
    ++checked;
  }
  return {};
}

int run(const std::string& shot_path, const std::string& image_path, const std::string& json_path, float min_score,
        int skip_top) {
  cli::Image shot = cli::loadImage(shot_path);
  cli::Image image = cli::loadImage(image_path);
  Pose pose = poseFromFlat(readJson(json_path).at(0).at("keypoints"));
  Placement p{fitFrame(image.width, image.height, shot.width, shot.height), image.width, image.height, 0};
  p.scale = p.rect.width / float(image.width);
  int checked = 0;
  if (std::string problem = checkDots(shot, pose, p, min_score, skip_top, checked); !problem.empty()) return fail(problem);
  if (checked < 8) return fail("only " + std::to_string(checked) + " confident keypoints to check");

  StrokeSizes strokes = windowStrokes(p.scale);
  std::vector<SkeletonInstance> skeleton = skeletonInstances(pose, min_score, strokes.bone_radius, strokes.dot_radius);
  size_t coloured = 0, stray = 0;
  for (int y = std::max(skip_top, int(p.rect.y)); y < int(p.rect.y + p.rect.height); ++y)
    for (int x = int(p.rect.x); x < int(p.rect.x + p.rect.width); ++x) {
      if (!isSkeletonColour(pixel(shot, x, y), 4)) continue;
      ++coloured;
      stray += !onSkeleton(skeleton, p, x, y, 1.5);
    }
  if (coloured < 200) return fail("only " + std::to_string(coloured) + " skeleton-coloured pixels in the screenshot");
  // The photo itself may hold a few pixels of the ramp's colours.
  if (double(stray) > 0.01 * double(coloured))
    return fail(std::to_string(stray) + " of " + std::to_string(coloured) +
                " skeleton-coloured pixels lie off the skeleton `vkpose run` reports");
  std::printf("PASS: %d keypoint dots where vkpose run puts them; %zu skeleton pixels, %zu off the skeleton\n", checked,
              coloured, stray);
  return 0;
}

}  // namespace
}  // namespace vkpose::view::check

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: check_screenshot SHOT.png IMAGE COCO.json MIN_SCORE SKIP_TOP\n");
    return 2;
  }
  try {
    return vkpose::view::check::run(argv[1], argv[2], argv[3], std::strtof(argv[4], nullptr), std::atoi(argv[5]));
  } catch (const std::exception& e) {
    return vkpose::view::check::fail(e.what());
  }
}
