# `cmake --install`: the runtime library (shared and static), its C and C++
# headers, the tools, an exported CMake package (find_package(vkpose)) and a
# pkg-config file. Components: Runtime (the .so), Development (headers, .a,
# package files), Tools, Documentation.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(VKPOSE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/vkpose)
# Where files written by install-time code go; ${CMAKE_INSTALL_PREFIX} is
# then the prefix actually installed to (cmake --install --prefix).
foreach(dir IN ITEMS LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(VKPOSE_INSTALL_${dir} "${CMAKE_INSTALL_${dir}}")
    set(VKPOSE_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(VKPOSE_INSTALL_${dir} "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_${dir}}")
    set(VKPOSE_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()

install(TARGETS vkpose_shared vkpose_static EXPORT vkposeTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Runtime NAMELINK_COMPONENT Development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development)

# The C API: <vkpose/vkpose.h>, self-contained, and <vkpose/vkpose_vulkan.h>
# for engines sharing their VkDevice (needs the Vulkan headers).
install(FILES ${PROJECT_SOURCE_DIR}/runtime/capi/vkpose.h ${PROJECT_SOURCE_DIR}/runtime/capi/vkpose_vulkan.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/vkpose COMPONENT Development)
# The C++ API is runtime/estimator.h and whatever it includes, found when
# installing so that the set follows the headers as they change.
install(CODE "
  set(VKPOSE_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
  set(VKPOSE_HEADER_ROOTS runtime/estimator.h)
  set(VKPOSE_HEADER_DESTINATION \"${VKPOSE_INSTALL_INCLUDEDIR}/vkpose\")
  include(\"${CMAKE_CURRENT_LIST_DIR}/InstallHeaders.cmake\")" COMPONENT Development)

install(EXPORT vkposeTargets NAMESPACE vkpose:: DESTINATION ${VKPOSE_CMAKE_DIR} COMPONENT Development)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/vkposeConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/vkposeConfig.cmake INSTALL_DESTINATION ${VKPOSE_CMAKE_DIR})
# 0.x releases may break the API in any minor version, so 0.1 accepts only 0.1.z.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/vkposeConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/package/vkposeConfig.cmake ${PROJECT_BINARY_DIR}/package/vkposeConfigVersion.cmake
  DESTINATION ${VKPOSE_CMAKE_DIR} COMPONENT Development)

# vkpose.pc: everything but the prefix is filled in now, the prefix when
# installing (a second @ONLY pass), so its paths are those of the prefix
# actually installed to, not the configured one.
set(VKPOSE_PC_PREFIX "@CMAKE_INSTALL_PREFIX@")
# Linking libvkpose.a (pkg-config --static) also needs what libvkpose.so names.
set(VKPOSE_PC_LIBS_PRIVATE "-lstdc++ -lm")
foreach(lib IN LISTS CMAKE_DL_LIBS)
  string(PREPEND VKPOSE_PC_LIBS_PRIVATE "-l${lib} ")
endforeach()
set(VKPOSE_PC_LINK_OPTIONS "")
if(VKPOSE_SANITIZE)
  set(VKPOSE_PC_LINK_OPTIONS " -fsanitize=address,undefined")  # why: cmake/Library.cmake
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/vkpose.pc.in ${PROJECT_BINARY_DIR}/package/vkpose.pc.in @ONLY)
install(CODE "
  configure_file(\"${PROJECT_BINARY_DIR}/package/vkpose.pc.in\" \"${PROJECT_BINARY_DIR}/package/vkpose.pc\" @ONLY)
  file(INSTALL \"${PROJECT_BINARY_DIR}/package/vkpose.pc\" DESTINATION \"${VKPOSE_INSTALL_LIBDIR}/pkgconfig\")"
  COMPONENT Development)

# The tools link the runtime statically, so they need no RPATH.
foreach(tool IN ITEMS vkpose vkpose-convert vkpose-info)
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Tools)
  endif()
endforeach()

# The docs also describe the source tree, but they are the API's reference.
# The project has no licence file of its own yet, and the package ships no
# model weights (their Apache-2.0 obligations are in models/README.md).
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT Documentation)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
  COMPONENT Documentation FILES_MATCHING PATTERN "*.md")
