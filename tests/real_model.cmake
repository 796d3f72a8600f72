# End to end on the real PoseNet: the TF.js graph that models/fetch-posenet.sh
# verified, and the committed ONNX export. Included from tests/CMakeLists.txt.
set(VKPOSE_TFJS_MODEL ${PROJECT_SOURCE_DIR}/models/tfjs/posenet.json)
set(VKPOSE_ONNX_MODEL ${PROJECT_SOURCE_DIR}/models/posenet-mobilenet-v1-075.onnx)
set(real ${CMAKE_CURRENT_BINARY_DIR}/real-model)
file(MAKE_DIRECTORY ${real})

# EXIT checks the exit status (tests/expect_exit.sh) as well as the EXPECTed output.
function(vkpose_cli_test name)
  cmake_parse_arguments(ARG "" "EXPECT;SETUP;REQUIRES;EXIT" "COMMAND" ${ARGN})
  if(DEFINED ARG_EXIT)
    add_test(NAME ${name} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.sh ${ARG_EXIT} ${ARG_COMMAND})
    set_tests_properties(${name} PROPERTIES
      FAIL_REGULAR_EXPRESSION "unexpected exit status;Segmentation|Aborted|AddressSanitizer")
  else()
    add_test(NAME ${name} COMMAND ${ARG_COMMAND})
  endif()
  if(ARG_EXPECT)
    set_tests_properties(${name} PROPERTIES PASS_REGULAR_EXPRESSION "${ARG_EXPECT}")
  endif()
  if(ARG_SETUP)
    set_tests_properties(${name} PROPERTIES FIXTURES_SETUP ${ARG_SETUP})
  endif()
  if(ARG_REQUIRES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED ${ARG_REQUIRES})
  endif()
endfunction()

# Conversions: TF.js (fp32 and fp16) and the committed ONNX to .vkpose.
vkpose_cli_test(convert_tfjs_to_vkpose SETUP tfjs_vkpose
  COMMAND $<TARGET_FILE:vkpose-convert> ${VKPOSE_TFJS_MODEL} -o ${real}/from-tfjs.vkpose)
vkpose_cli_test(convert_tfjs_to_vkpose_fp16 SETUP tfjs_vkpose_fp16
  COMMAND $<TARGET_FILE:vkpose-convert> ${VKPOSE_TFJS_MODEL} -o ${real}/from-tfjs-fp16.vkpose --fp16)
vkpose_cli_test(convert_onnx_to_vkpose SETUP onnx_vkpose
  COMMAND $<TARGET_FILE:vkpose-convert> ${VKPOSE_ONNX_MODEL} -o ${real}/from-onnx.vkpose)

# Each converted file loads: --inspect verifies it and plans every shape.
vkpose_cli_test(inspect_tfjs_vkpose_257 REQUIRES tfjs_vkpose EXPECT "500,334,288"
  COMMAND $<TARGET_FILE:vkpose-convert> --inspect ${real}/from-tfjs.vkpose --input 257)
vkpose_cli_test(inspect_tfjs_vkpose_fp16_385 REQUIRES tfjs_vkpose_fp16 EXPECT "1,091,347,152"
  COMMAND $<TARGET_FILE:vkpose-convert> --inspect ${real}/from-tfjs-fp16.vkpose --input 385)
vkpose_cli_test(inspect_onnx_vkpose_257 REQUIRES onnx_vkpose EXPECT "500,334,288"
  COMMAND $<TARGET_FILE:vkpose-convert> --inspect ${real}/from-onnx.vkpose --input 257)
vkpose_cli_test(inspect_invalid_input_size REQUIRES tfjs_vkpose EXIT 1 EXPECT "nearest valid sizes are 289 and 305"
  COMMAND $<TARGET_FILE:vkpose-convert> --inspect ${real}/from-tfjs.vkpose --input 300)

# The ONNX export: deterministic (equals the committed file), accepted by
# onnxruntime's loader, and within 1e-4 * max|output| of the original TF.js
# graph on the committed photos at 257 and 385 (tools/oracle/check-onnx.js).
vkpose_cli_test(export_tfjs_to_onnx SETUP onnx_export
  COMMAND $<TARGET_FILE:vkpose-convert> ${VKPOSE_TFJS_MODEL} --to-onnx ${real}/export.onnx)
vkpose_cli_test(committed_onnx_is_a_fresh_export REQUIRES onnx_export
  COMMAND ${CMAKE_COMMAND} -E compare_files ${real}/export.onnx ${VKPOSE_ONNX_MODEL})
vkpose_cli_test(onnx_export_matches_tfjs REQUIRES onnx_export
  COMMAND node ${PROJECT_SOURCE_DIR}/tools/oracle/check-onnx.js ${real}/export.onnx)
set_tests_properties(onnx_export_matches_tfjs PROPERTIES
  ENVIRONMENT "VKPOSE_IMAGE_TO_RGB=$<TARGET_FILE:vkpose-image-to-rgb>" TIMEOUT 900)

# Bad command lines and inputs: a message, exit 1 or 2, nothing written.
vkpose_cli_test(convert_missing_input EXIT 1 EXPECT "vkpose-convert: .*no-such-model.onnx"
  COMMAND $<TARGET_FILE:vkpose-convert> ${real}/no-such-model.onnx -o ${real}/never-written.vkpose)
vkpose_cli_test(convert_unknown_format EXIT 1 EXPECT "cannot tell the format of"
  COMMAND $<TARGET_FILE:vkpose-convert> ${PROJECT_SOURCE_DIR}/README.md -o ${real}/never-written.vkpose)
vkpose_cli_test(convert_bad_option EXIT 2 EXPECT "unknown option '--frobnicate'"
  COMMAND $<TARGET_FILE:vkpose-convert> --frobnicate)
vkpose_cli_test(inspect_not_a_model EXIT 1 EXPECT "is not a .vkpose model"
  COMMAND $<TARGET_FILE:vkpose-convert> --inspect ${PROJECT_SOURCE_DIR}/README.md)
add_test(NAME failed_conversions_write_nothing
  COMMAND sh -c "! test -e '${real}/never-written.vkpose' && ! test -e '${real}/never-written.vkpose.partial'")
set_tests_properties(failed_conversions_write_nothing PROPERTIES
  DEPENDS "convert_missing_input;convert_unknown_format")

# The executor and the Estimator on the converted ONNX model (tests/runtime/
# test_executor_posenet.cpp, test_estimator.cpp, ...): their tests need the
# conversion first and find the file in VKPOSE_TEST_MODEL. They are discovered
# at build time, so the properties go into a ctest script that runs after the
# one defining them (which lists them in <target>_TESTS).
foreach(target IN ITEMS test_executor_posenet test_estimator test_capi test_embedding test_in_place_frames
    test_host_memory)
  if(TARGET ${target})
    set(script ${real}/${target}_properties.cmake)
    file(WRITE ${script} "if(${target}_TESTS)
  set_tests_properties(\${${target}_TESTS} PROPERTIES FIXTURES_REQUIRED onnx_vkpose
    ENVIRONMENT \"${VKPOSE_TEST_ENV};VKPOSE_TEST_MODEL=${real}/from-onnx.vkpose\")
endif()
")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
  endif()
endforeach()
