// Shared by skeleton.vert and skeleton.frag: every bone and every keypoint
// dot is one instance, a capsule around the segment a-b (a dot has a == b),
// drawn as a quad whose fragments keep what lies within `radius`.

layout(push_constant) uniform Push {
  vec2 scale;             // frame pixels -> normalised device coordinates
  vec2 offset;
  float pixels_per_unit;  // target pixels per frame pixel: the anti-aliased edge is one target pixel wide
  float min_score;        // colours run from red at min_score to green at 1
} pc;
