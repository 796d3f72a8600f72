/* A minimal C program using vkpose: one image in, 17 keypoints printed.
 *   vkpose-c-example MODEL.vkpose IMAGE
 * Built and run by the test suite (ctest: c_example_runs, and against the
 * installed package: install_package_*). */
#include <stdio.h>
#include <stdlib.h>

#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#include <vkpose/vkpose.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s MODEL.vkpose IMAGE\n", argv[0]);
    return 2;
  }
  int width = 0, height = 0, channels = 0;
  unsigned char* pixels = stbi_load(argv[2], &width, &height, &channels, 4);
  if (!pixels) {
    fprintf(stderr, "cannot read %s: %s\n", argv[2], stbi_failure_reason());
    return 1;
  }

  vkpose_options options;
  vkpose_options_init(&options);
  options.model_path = argv[1];
  vkpose_estimator* estimator = NULL;
  vkpose_pose pose;
  int status = 1;
  if (vkpose_create(&options, &estimator) != VKPOSE_OK) {
    fprintf(stderr, "vkpose_create: %s\n", vkpose_error_message());
  } else if (vkpose_estimate(estimator, pixels, width, height, 0, VKPOSE_PIXEL_RGBA8, &pose) != VKPOSE_OK) {
    fprintf(stderr, "vkpose_estimate: %s\n", vkpose_error_message());
  } else {
    for (int i = 0; i < VKPOSE_KEYPOINT_COUNT; ++i)
      printf("%-14s %8.2f %8.2f %.3f\n", vkpose_keypoint_name(i), pose.keypoints[i].x, pose.keypoints[i].y,
             pose.keypoints[i].score);
    printf("pose score %.3f\n", pose.score);
    status = 0;
  }
  vkpose_destroy(estimator);
  stbi_image_free(pixels);
  return status;
}
