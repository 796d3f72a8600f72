# `vkpose run` end to end on a committed photo, and its bad inputs. Needs the
# converted model from tests/real_model.cmake (fixture onnx_vkpose).
set(cli ${CMAKE_CURRENT_BINARY_DIR}/cli)
file(MAKE_DIRECTORY ${cli})
set(model ${CMAKE_CURRENT_BINARY_DIR}/real-model/from-onnx.vkpose)
set(images ${PROJECT_SOURCE_DIR}/tests/data/images)
set(bad ${PROJECT_SOURCE_DIR}/tests/data/bad)
set(run $<TARGET_FILE:vkpose> run --model ${model})

# fp32: the golden keypoints' bound is fp32's (the default is fp16 on GPUs).
vkpose_cli_test(vkpose_run_pose REQUIRES onnx_vkpose SETUP vkpose_run_outputs EXIT 0 EXPECT "pose score"
  COMMAND ${run} --fp32 --image ${images}/pose.jpg --json ${cli}/pose.json --draw ${cli}/pose.png)
vkpose_cli_test(vkpose_run_matches_golden REQUIRES vkpose_run_outputs EXPECT "PASS"
  COMMAND node ${PROJECT_SOURCE_DIR}/tools/oracle/check-keypoints.js ${cli}/pose.json pose.jpg 257)
vkpose_cli_test(vkpose_run_drew_a_png REQUIRES vkpose_run_outputs
  COMMAND sh -c "test -s '${cli}/pose.png'")
vkpose_cli_test(vkpose_run_off_centre_385 REQUIRES onnx_vkpose EXIT 0 EXPECT "pose score"
  COMMAND ${run} --fp32 --image ${images}/messi5.jpg --input-size 385 --json ${cli}/messi5.json)
set_tests_properties(vkpose_run_off_centre_385 PROPERTIES FIXTURES_SETUP vkpose_run_messi)
vkpose_cli_test(vkpose_run_off_centre_matches_golden REQUIRES vkpose_run_messi EXPECT "PASS"
  COMMAND node ${PROJECT_SOURCE_DIR}/tools/oracle/check-keypoints.js ${cli}/messi5.json messi5.jpg 385)

# Accepted odd inputs: a 1x1 image and a 16-bit grayscale PNG (converted).
vkpose_cli_test(vkpose_run_one_pixel REQUIRES onnx_vkpose EXIT 0 EXPECT "pose score"
  COMMAND ${run} --image ${bad}/one_pixel.png)
vkpose_cli_test(vkpose_run_gray16 REQUIRES onnx_vkpose EXIT 0 EXPECT "pose score"
  COMMAND ${run} --image ${bad}/gray16.png)

# Refused with a message and exit 1 (or 2 for the command line).
vkpose_cli_test(vkpose_run_missing_image REQUIRES onnx_vkpose EXIT 1 EXPECT "cannot read image .*no-such.jpg"
  COMMAND ${run} --image ${cli}/no-such.jpg)
vkpose_cli_test(vkpose_run_empty_file REQUIRES onnx_vkpose EXIT 1 EXPECT "cannot read image"
  COMMAND ${run} --image ${bad}/empty.png)
vkpose_cli_test(vkpose_run_truncated REQUIRES onnx_vkpose EXIT 1 EXPECT "image"
  COMMAND ${run} --image ${bad}/truncated.jpg)
vkpose_cli_test(vkpose_run_huge REQUIRES onnx_vkpose EXIT 1 EXPECT "20000x8; the limit is 16384"
  COMMAND ${run} --image ${bad}/huge_header.png)
vkpose_cli_test(vkpose_run_invalid_size REQUIRES onnx_vkpose EXIT 1 EXPECT "nearest valid sizes are 289 and 305"
  COMMAND ${run} --image ${images}/pose.jpg --input-size 300)
vkpose_cli_test(vkpose_run_not_a_model EXIT 1 EXPECT "is not a .vkpose model"
  COMMAND $<TARGET_FILE:vkpose> run --model ${PROJECT_SOURCE_DIR}/README.md --image ${images}/pose.jpg)
vkpose_cli_test(vkpose_run_bad_option EXIT 2 EXPECT "unknown option '--frobnicate'"
  COMMAND $<TARGET_FILE:vkpose> run --frobnicate)
vkpose_cli_test(vkpose_run_fp16_and_fp32 EXIT 2 EXPECT "--fp16 and --fp32 exclude each other"
  COMMAND $<TARGET_FILE:vkpose> run --fp16 --model m --image i --fp32)
vkpose_cli_test(vkpose_run_no_model EXIT 2 EXPECT "--model is required"
  COMMAND $<TARGET_FILE:vkpose> run --image ${images}/pose.jpg)

# Validation on for every run; any validation message fails the test.
foreach(t vkpose_run_pose vkpose_run_off_centre_385 vkpose_run_one_pixel vkpose_run_gray16 vkpose_run_missing_image
          vkpose_run_empty_file vkpose_run_truncated vkpose_run_huge vkpose_run_invalid_size vkpose_run_not_a_model)
  set_tests_properties(${t} PROPERTIES ENVIRONMENT "VKPOSE_VALIDATION=1"
    FAIL_REGULAR_EXPRESSION "unexpected exit status;Segmentation|Aborted|AddressSanitizer;\\[vulkan (error|warning)\\]")
endforeach()
