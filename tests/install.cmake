# The installed package as an embedder uses it: `cmake --install` of this
# build into a prefix under the build tree, then a consumer built against
# that prefix only, with find_package(vkpose) (tests/install/CMakeLists.txt)
# and with pkg-config, and its binaries run on the converted model (fixture
# onnx_vkpose) with validation on. Included from tests/CMakeLists.txt after
# cli.cmake (vkpose_cli_test).
include(GNUInstallDirs)
set(install_dir ${CMAKE_CURRENT_BINARY_DIR}/install)
set(prefix ${install_dir}/prefix)
set(model ${CMAKE_CURRENT_BINARY_DIR}/real-model/from-onnx.vkpose)
set(photo ${PROJECT_SOURCE_DIR}/tests/data/images/pose.jpg)
set(example ${PROJECT_SOURCE_DIR}/examples/c_pose.c)

add_test(NAME install_package_install COMMAND sh -c
  "rm -rf '${prefix}' && '${CMAKE_COMMAND}' --install '${PROJECT_BINARY_DIR}' --prefix '${prefix}' $<$<BOOL:$<CONFIG>>:--config $<CONFIG>>")
set_tests_properties(install_package_install PROPERTIES FIXTURES_SETUP vkpose_installed)

set(VKPOSE_READELF ${CMAKE_READELF})
if(NOT VKPOSE_READELF)
  find_program(VKPOSE_READELF readelf REQUIRED)
endif()
add_test(NAME install_package_contents COMMAND ${CMAKE_COMMAND}
  -DPREFIX=${prefix} -DLIBDIR=${CMAKE_INSTALL_LIBDIR} -DINCLUDEDIR=${CMAKE_INSTALL_INCLUDEDIR}
  -DBINDIR=${CMAKE_INSTALL_BINDIR} -DREADELF=${VKPOSE_READELF} -DSANITIZE=${VKPOSE_SANITIZE}
  -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DBINARY_DIR=${PROJECT_BINARY_DIR}
  -P ${CMAKE_CURRENT_SOURCE_DIR}/install/check_prefix.cmake)
set_tests_properties(install_package_contents PROPERTIES FIXTURES_REQUIRED vkpose_installed)

# The consumers use the compilers of this build. A sanitized package links
# its consumers with the sanitizer runtime by itself (cmake/Library.cmake).
set(cmake_consumer ${install_dir}/find-package)
add_test(NAME install_package_find_package COMMAND sh -c
  "rm -rf '${cmake_consumer}' && '${CMAKE_COMMAND}' -S '${CMAKE_CURRENT_SOURCE_DIR}/install' -B '${cmake_consumer}' \
     -G '${CMAKE_GENERATOR}' -DCMAKE_BUILD_TYPE=RelWithDebInfo \
     -DCMAKE_C_COMPILER='${CMAKE_C_COMPILER}' -DCMAKE_CXX_COMPILER='${CMAKE_CXX_COMPILER}' \
     -DCMAKE_PREFIX_PATH='${prefix}' -DVKPOSE_PREFIX='${prefix}' -DVKPOSE_EXAMPLE='${example}' \
   && '${CMAKE_COMMAND}' --build '${cmake_consumer}'")
set_tests_properties(install_package_find_package PROPERTIES
  FIXTURES_REQUIRED vkpose_installed FIXTURES_SETUP vkpose_consumer_cmake)

set(pc_consumer ${install_dir}/pkg-config)
set(pkg_config "PKG_CONFIG_PATH='${prefix}/${CMAKE_INSTALL_LIBDIR}/pkgconfig' pkg-config")
add_test(NAME install_package_pkg_config COMMAND sh -c
  "rm -rf '${pc_consumer}' && mkdir -p '${pc_consumer}' \
   && '${CMAKE_C_COMPILER}' '${example}' -o '${pc_consumer}/c_pose' $(${pkg_config} --cflags --libs vkpose) -lm \
   && '${CMAKE_CXX_COMPILER}' -std=c++20 '${CMAKE_CURRENT_SOURCE_DIR}/install/cxx_pose.cpp' -o '${pc_consumer}/cxx_pose' \
        $(${pkg_config} --cflags --libs vkpose)")
set_tests_properties(install_package_pkg_config PROPERTIES
  FIXTURES_REQUIRED vkpose_installed FIXTURES_SETUP vkpose_consumer_pc)

# The consumers' binaries find libvkpose.so in the prefix through
# LD_LIBRARY_PATH, as the pkg-config ones must (they have no RPATH).
function(vkpose_install_run name program consumer_fixture)
  vkpose_cli_test(${name} EXIT 0 EXPECT "pose score" COMMAND ${program} ${model} ${photo})
  set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "onnx_vkpose;${consumer_fixture}"
    ENVIRONMENT "${VKPOSE_TEST_ENV}"
    ENVIRONMENT_MODIFICATION "LD_LIBRARY_PATH=path_list_prepend:${prefix}/${CMAKE_INSTALL_LIBDIR}"
    FAIL_REGULAR_EXPRESSION "unexpected exit status;Segmentation|Aborted|AddressSanitizer;\\[vulkan (error|warning)\\]")
endfunction()
foreach(program IN ITEMS c_pose cxx_pose c_pose_static)
  vkpose_install_run(install_package_find_package_${program} ${cmake_consumer}/${program} vkpose_consumer_cmake)
endforeach()
add_test(NAME install_package_find_package_c_vulkan_header COMMAND ${cmake_consumer}/c_vulkan_header)
set_tests_properties(install_package_find_package_c_vulkan_header PROPERTIES
  FIXTURES_REQUIRED vkpose_consumer_cmake PASS_REGULAR_EXPRESSION "NULL arguments refused"
  ENVIRONMENT_MODIFICATION "LD_LIBRARY_PATH=path_list_prepend:${prefix}/${CMAKE_INSTALL_LIBDIR}")
foreach(program IN ITEMS c_pose cxx_pose)
  vkpose_install_run(install_package_pkg_config_${program} ${pc_consumer}/${program} vkpose_consumer_pc)
endforeach()
