# cmake -P check_prefix.cmake: what `cmake --install` put in PREFIX is what an
# embedder needs, and libvkpose.so depends on nothing but the C/C++ runtime
# and libdl (plus the sanitizer runtimes in a SANITIZE build).
# Variables: PREFIX, LIBDIR, INCLUDEDIR, BINDIR, READELF, SANITIZE,
# SOURCE_DIR, BINARY_DIR.
set(errors "")
foreach(file IN ITEMS
    ${LIBDIR}/libvkpose.so ${LIBDIR}/libvkpose.so.0 ${LIBDIR}/libvkpose.a
    ${INCLUDEDIR}/vkpose/vkpose.h ${INCLUDEDIR}/vkpose/vkpose_vulkan.h ${INCLUDEDIR}/vkpose/runtime/estimator.h ${INCLUDEDIR}/vkpose/engine/context.h
    ${LIBDIR}/cmake/vkpose/vkposeConfig.cmake ${LIBDIR}/cmake/vkpose/vkposeConfigVersion.cmake
    ${LIBDIR}/cmake/vkpose/vkposeTargets.cmake ${LIBDIR}/pkgconfig/vkpose.pc
    ${BINDIR}/vkpose ${BINDIR}/vkpose-convert ${BINDIR}/vkpose-info)
  if(NOT EXISTS "${PREFIX}/${file}")
    string(APPEND errors "missing: ${file}\n")
  endif()
endforeach()

execute_process(COMMAND "${READELF}" -d "${PREFIX}/${LIBDIR}/libvkpose.so.0"
                OUTPUT_VARIABLE dynamic RESULT_VARIABLE failed)
if(failed)
  string(APPEND errors "${READELF} -d libvkpose.so.0 failed\n")
endif()
string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]]+\\]" needed "${dynamic}")
set(allowed "libstdc\\+\\+|libm|libgcc_s|libc|libdl|ld-linux[-_a-z0-9.]*")
if(SANITIZE)
  string(APPEND allowed "|libasan|libubsan")
endif()
foreach(entry IN LISTS needed)
  string(REGEX REPLACE ".*\\[(.*)\\]" "\\1" lib "${entry}")
  message(STATUS "libvkpose.so.0 needs ${lib}")
  if(NOT lib MATCHES "^(${allowed})\\.so(\\.[0-9]+)*$")
    string(APPEND errors "libvkpose.so.0 must not need ${lib}\n")
  endif()
endforeach()
if(NOT dynamic MATCHES "\\(SONAME\\)[^\n]*\\[libvkpose\\.so\\.0\\]")
  string(APPEND errors "libvkpose.so.0 has no SONAME libvkpose.so.0\n")
endif()

# An installed package must not point back into the tree it was built in
# (the prefix itself lies in the build tree here, so its paths are let be).
file(GLOB_RECURSE package_files "${PREFIX}/${LIBDIR}/cmake/*" "${PREFIX}/${LIBDIR}/pkgconfig/*")
foreach(file IN LISTS package_files)
  file(READ "${file}" text)
  string(REPLACE "${PREFIX}" "" text "${text}")
  foreach(tree IN ITEMS "${SOURCE_DIR}" "${BINARY_DIR}")
    string(FIND "${text}" "${tree}" at)
    if(NOT at EQUAL -1)
      string(APPEND errors "${file} mentions ${tree}\n")
    endif()
  endforeach()
endforeach()

if(errors)
  message(FATAL_ERROR "installed package in ${PREFIX}:\n${errors}")
endif()
message(STATUS "installed package in ${PREFIX}: complete")
