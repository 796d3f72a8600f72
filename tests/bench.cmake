# vkpose-bench (issue 6, docs/benchmarks.md) on the converted model from
# tests/real_model.cmake (fixture onnx_vkpose): a quick run at 129 with JSON,
# plot and cold start, checked by bench/check-report.js; the onnxruntime
# comparison (Node and tools/oracle/node_modules, which tools/test.sh
# installs); and bad input. Validation is on for every run: a validation
# message prints "[vulkan ...]" and makes the bench exit with status 3.
set(bench_out ${CMAKE_CURRENT_BINARY_DIR}/bench)
file(MAKE_DIRECTORY ${bench_out})
set(bench_model ${CMAKE_CURRENT_BINARY_DIR}/real-model/from-onnx.vkpose)
set(bench $<TARGET_FILE:vkpose-bench> --model ${bench_model})
# One frame size and few frames keep each run under a minute on lavapipe. The
# cold-start children keep the driver's shader cache: without it lavapipe
# compiles every kernel with LLVM again, over a minute per child.
set(bench_quick --sizes 129 --iterations 3 --warmup 1)
set(bench_check node ${PROJECT_SOURCE_DIR}/bench/check-report.js)

vkpose_cli_test(bench_quick_run REQUIRES onnx_vkpose SETUP bench_quick EXIT 0 EXPECT "read/frame"
  COMMAND ${bench} ${bench_quick} --driver-shader-cache --json ${bench_out}/quick.json --plot ${bench_out}/quick.png)
vkpose_cli_test(bench_quick_report_checked REQUIRES bench_quick EXPECT "^PASS"
  COMMAND ${bench_check} ${bench_out}/quick.json --sizes 129 --png ${bench_out}/quick.png --cold-start
          --inspect $<TARGET_FILE:vkpose-convert> ${bench_model})

vkpose_cli_test(bench_compare_onnxruntime REQUIRES onnx_vkpose SETUP bench_ort EXIT 0
  EXPECT "GPU/ort.*network/ort.*latency/ort"
  COMMAND ${bench} ${bench_quick} --no-cold-start --no-per-layer --compare-onnxruntime --json ${bench_out}/ort.json)
vkpose_cli_test(bench_compare_onnxruntime_checked REQUIRES bench_ort EXPECT "^PASS"
  COMMAND ${bench_check} ${bench_out}/ort.json --sizes 129 --onnxruntime --no-per-layer)
# Without Node the comparison is skipped with a message; the rest still runs.
vkpose_cli_test(bench_onnxruntime_without_node REQUIRES onnx_vkpose EXIT 0
  EXPECT "onnxruntime comparison skipped: --node /nonexistent/node is not an executable"
  COMMAND ${bench} --sizes 129 --iterations 1 --warmup 0 --no-cold-start --no-per-layer --compare-onnxruntime
          --node /nonexistent/node)

# Bad input: a message and exit 2 for the command line, 1 for what the
# runtime refuses (sizes are checked before anything is measured).
vkpose_cli_test(bench_bad_option EXIT 2 EXPECT "unknown option '--frobnicate'"
  COMMAND $<TARGET_FILE:vkpose-bench> --frobnicate)
vkpose_cli_test(bench_sizes_not_numbers EXIT 2 EXPECT "--sizes expects a whole number, got 'abc'"
  COMMAND ${bench} --sizes 129,abc)
vkpose_cli_test(bench_invalid_size REQUIRES onnx_vkpose EXIT 1 EXPECT "nearest valid sizes are 289 and 305"
  COMMAND ${bench} --sizes 129,300)
vkpose_cli_test(bench_size_out_of_range REQUIRES onnx_vkpose EXIT 1 EXPECT "input size 2049 is outside 129..1025"
  COMMAND ${bench} --sizes 2049)
vkpose_cli_test(bench_missing_model EXIT 1 EXPECT "vkpose-bench: .*no-such-model.vkpose"
  COMMAND $<TARGET_FILE:vkpose-bench> --model ${bench_out}/no-such-model.vkpose --sizes 129)
vkpose_cli_test(bench_not_a_model EXIT 1 EXPECT "is not a .vkpose model"
  COMMAND $<TARGET_FILE:vkpose-bench> --model ${PROJECT_SOURCE_DIR}/README.md --sizes 129)
vkpose_cli_test(bench_bad_frame EXIT 2 EXPECT "--frame expects WIDTHxHEIGHT like 1280x720, got '1280by720'"
  COMMAND ${bench} --frame 1280by720)
vkpose_cli_test(bench_frame_too_large EXIT 2 EXPECT "--frame 20000x720: each side must lie in 1..16384"
  COMMAND ${bench} --frame 20000x720)
vkpose_cli_test(bench_bad_precision EXIT 2 EXPECT "--precision expects auto, fp32 or fp16, got 'int8'"
  COMMAND ${bench} --precision int8)
vkpose_cli_test(bench_too_many_in_flight EXIT 2 EXPECT "--in-flight must lie in 1..8, got 9"
  COMMAND ${bench} --in-flight 9)
vkpose_cli_test(bench_negative_fence_spin EXIT 2 EXPECT "--fence-spin-us must lie in 0..100000, got -5"
  COMMAND ${bench} --fence-spin-us -5)
vkpose_cli_test(bench_too_many_copy_threads EXIT 2 EXPECT "--copy-threads must lie in 1..8, got 9"
  COMMAND ${bench} --copy-threads 9)
vkpose_cli_test(bench_missing_image REQUIRES onnx_vkpose EXIT 1 EXPECT "cannot read image .*no-such.jpg"
  COMMAND ${bench} --sizes 129 --image ${bench_out}/no-such.jpg)

# vkpose-sync-probe: with barriers or events every element must equal the
# phase count (0 wrong, 0 abandoned waits); the grid barrier is timed but not checked, as
# Vulkan does not promise that a dispatch's workgroups run at the same time.
# The probe is run once per checked row: a pass expression matches any one line.
set(sync_probe_quick $<TARGET_FILE:vkpose-sync-probe> --workgroups 2 --phases 4 --repeats 2 --local-size 64)
set(sync_probe_right "+[0-9.]+ +[0-9.]+ +-?[0-9.]+ +0 +0")
vkpose_cli_test(sync_probe_barriers_order_phases EXIT 0 EXPECT " 2 +barriers ${sync_probe_right}"
  COMMAND ${sync_probe_quick})
vkpose_cli_test(sync_probe_barriers_order_two_chains EXIT 0 EXPECT " 2 +2 x barriers ${sync_probe_right}"
  COMMAND ${sync_probe_quick})
vkpose_cli_test(sync_probe_events_order_two_chains EXIT 0 EXPECT " 2 +2 x events ${sync_probe_right}"
  COMMAND ${sync_probe_quick})
vkpose_cli_test(sync_probe_bad_local_size EXIT 2 EXPECT "--local-size must be a multiple of 32 in 32..1024"
  COMMAND $<TARGET_FILE:vkpose-sync-probe> --local-size 48)
vkpose_cli_test(sync_probe_phases_out_of_range EXIT 2 EXPECT "--phases must lie in 2..1024, got 1"
  COMMAND $<TARGET_FILE:vkpose-sync-probe> --phases 1)
vkpose_cli_test(sync_probe_bad_option EXIT 2 EXPECT "unknown argument '--frobnicate'"
  COMMAND $<TARGET_FILE:vkpose-sync-probe> --frobnicate)

# vkpose-startup-probe: bare instances and devices, then vkpose's Context.
vkpose_cli_test(startup_probe_runs EXIT 0 EXPECT "bare, round 2 +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+.*vkpose Context, 1 queue"
  COMMAND $<TARGET_FILE:vkpose-startup-probe> --rounds 2)
vkpose_cli_test(startup_probe_bad_rounds EXIT 2 EXPECT "--rounds must lie in 1..100, got 0"
  COMMAND $<TARGET_FILE:vkpose-startup-probe> --rounds 0)
vkpose_cli_test(startup_probe_bad_option EXIT 2 EXPECT "unknown argument '--frobnicate'"
  COMMAND $<TARGET_FILE:vkpose-startup-probe> --frobnicate)

foreach(t sync_probe_barriers_order_phases sync_probe_barriers_order_two_chains sync_probe_events_order_two_chains
          sync_probe_bad_local_size sync_probe_phases_out_of_range sync_probe_bad_option
          startup_probe_runs startup_probe_bad_rounds startup_probe_bad_option
          bench_quick_run bench_compare_onnxruntime bench_onnxruntime_without_node bench_bad_option
          bench_sizes_not_numbers bench_invalid_size bench_size_out_of_range bench_missing_model bench_not_a_model
          bench_bad_frame bench_frame_too_large bench_bad_precision bench_too_many_in_flight bench_missing_image)
  set_tests_properties(${t} PROPERTIES ENVIRONMENT "${VKPOSE_TEST_ENV}" TIMEOUT 300
    FAIL_REGULAR_EXPRESSION "unexpected exit status;Segmentation|Aborted|AddressSanitizer|LeakSanitizer;\\[vulkan (error|warning)\\]")
endforeach()
