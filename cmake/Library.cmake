# The runtime as one library for embedders: libvkpose.so (and libvkpose.a),
# made of the objects the internal static libraries already compiled, so
# nothing is built twice and those libraries stay as they are for the tools
# and tests. The target `vkpose` is the CLI, hence the names below; consumers
# see vkpose::vkpose and vkpose::vkpose_static, here as in the installed
# package (cmake/Install.cmake).
#
# Only what the engine itself needs is linked: the C++ runtime and libdl (the
# Vulkan loader is opened at run time). The flatbuffers reader is header-only,
# and protobuf, FFmpeg and GLFW belong to the converter and the viewer.
include(GNUInstallDirs)

set(VKPOSE_RUNTIME_PARTS vkpose_ops vkpose_engine vkpose_model vkpose_shaders)
set(VKPOSE_RUNTIME_OBJECTS "")
foreach(part IN LISTS VKPOSE_RUNTIME_PARTS)
  list(APPEND VKPOSE_RUNTIME_OBJECTS $<TARGET_OBJECTS:${part}>)
endforeach()

# <vkpose/vkpose.h> is where the installed C header lives; the build tree gets
# a forwarding header at the same path so examples/c_pose.c compiles unchanged
# against either.
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/include/vkpose/vkpose.h
     CONTENT "#include \"${PROJECT_SOURCE_DIR}/runtime/capi/vkpose.h\"\n")
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/include/vkpose/vkpose_vulkan.h
     CONTENT "#include \"${PROJECT_SOURCE_DIR}/runtime/capi/vkpose_vulkan.h\"\n")

add_library(vkpose_shared SHARED ${VKPOSE_RUNTIME_OBJECTS})
add_library(vkpose_static STATIC ${VKPOSE_RUNTIME_OBJECTS})
set_target_properties(vkpose_shared PROPERTIES EXPORT_NAME vkpose VERSION ${PROJECT_VERSION} SOVERSION 0)
set_target_properties(vkpose_static PROPERTIES EXPORT_NAME vkpose_static)
foreach(lib IN ITEMS vkpose_shared vkpose_static)
  get_target_property(export_name ${lib} EXPORT_NAME)
  add_library(vkpose::${export_name} ALIAS ${lib})
  # The C++ headers include one another by their path from the project root
  # (runtime/..., engine/...); installed, that root is include/vkpose.
  target_include_directories(${lib} INTERFACE
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include> $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/vkpose>)
  # The C++ API uses <span> and the Vulkan types; the C API needs neither.
  target_link_libraries(${lib} INTERFACE Vulkan::Headers)
  target_compile_features(${lib} INTERFACE cxx_std_20)
  set_target_properties(${lib} PROPERTIES OUTPUT_NAME vkpose LINKER_LANGUAGE CXX)
  # A sanitized library needs its runtime loaded before everything else, which
  # linking the executable with the same flag does.
  if(VKPOSE_SANITIZE)
    target_link_options(${lib} INTERFACE -fsanitize=address,undefined)
  endif()
endforeach()
target_link_libraries(vkpose_shared PRIVATE ${CMAKE_DL_LIBS})
target_link_libraries(vkpose_static INTERFACE ${CMAKE_DL_LIBS})
# Every symbol must resolve inside the library or the libraries it names, so
# an object that starts needing another library fails here, not in an
# embedder's link. (Clang leaves sanitizer symbols to the executable.)
if(NOT VKPOSE_SANITIZE)
  target_link_options(vkpose_shared PRIVATE LINKER:--no-undefined)
endif()
