# Build-time SPIR-V: every GLSL variant is compiled by glslc and embedded into
# the binary, so no shader compiler ships with the runtime.
find_program(GLSLC_EXECUTABLE glslc REQUIRED)

set_property(GLOBAL PROPERTY VKPOSE_SPIRV_ENTRIES "")

# Adds one compiled variant. DEFINES are passed as -D flags; NAME is the key the
# runtime looks the SPIR-V up by.
function(vkpose_shader_variant)
  cmake_parse_arguments(ARG "" "NAME;SOURCE" "DEFINES" ${ARGN})
  set(src "${CMAKE_CURRENT_SOURCE_DIR}/${ARG_SOURCE}")
  set(spv "${CMAKE_CURRENT_BINARY_DIR}/spv/${ARG_NAME}.spv")
  set(defs "")
  foreach(d IN LISTS ARG_DEFINES)
    list(APPEND defs "-D${d}")
  endforeach()
  add_custom_command(
    OUTPUT "${spv}"
    COMMAND "${GLSLC_EXECUTABLE}" --target-env=vulkan1.1 -O -Werror
            -I "${CMAKE_CURRENT_SOURCE_DIR}/common" ${defs}
            -MD -MF "${spv}.d" -o "${spv}" "${src}"
    DEPENDS "${src}"
    DEPFILE "${spv}.d"
    COMMENT "glslc ${ARG_NAME}"
    VERBATIM)
  set_property(GLOBAL APPEND PROPERTY VKPOSE_SPIRV_ENTRIES "${ARG_NAME}=${spv}")
endfunction()

# Compiles one source per op family into the cartesian product of its axes.
# Each axis is "AXIS=v1,v2,..."; a variant gets -DAXIS_V (upper case) per axis
# and is named family_v1_v2...
function(vkpose_shader_family family)
  cmake_parse_arguments(ARG "" "SOURCE" "AXES;DEFINES" ${ARGN})
  set(combos "${family}|")
  foreach(axis IN LISTS ARG_AXES)
    string(REPLACE "=" ";" parts "${axis}")
    list(GET parts 0 axis_name)
    list(GET parts 1 axis_values)
    string(REPLACE "," ";" axis_values "${axis_values}")
    set(next "")
    foreach(combo IN LISTS combos)
      string(REPLACE "|" ";" combo_parts "${combo}")
      list(GET combo_parts 0 combo_name)
      list(LENGTH combo_parts n)
      set(combo_defs "")
      if(n GREATER 1)
        list(GET combo_parts 1 combo_defs)
      endif()
      foreach(v IN LISTS axis_values)
        string(TOUPPER "${axis_name}_${v}" def)
        list(APPEND next "${combo_name}_${v}|${combo_defs}:${def}")
      endforeach()
    endforeach()
    set(combos "${next}")
  endforeach()
  foreach(combo IN LISTS combos)
    string(REPLACE "|" ";" combo_parts "${combo}")
    list(GET combo_parts 0 name)
    list(GET combo_parts 1 defs)
    string(REPLACE ":" ";" defs "${defs}")
    list(FILTER defs EXCLUDE REGEX "^$")
    vkpose_shader_variant(NAME ${name} SOURCE ${ARG_SOURCE} DEFINES ${defs} ${ARG_DEFINES})
  endforeach()
endfunction()

# Generates the C++ table of every variant registered so far.
function(vkpose_embed_shaders target)
  get_property(entries GLOBAL PROPERTY VKPOSE_SPIRV_ENTRIES)
  set(spvs "")
  foreach(e IN LISTS entries)
    string(REGEX REPLACE "^[^=]*=" "" path "${e}")
    list(APPEND spvs "${path}")
  endforeach()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_spirv.cpp")
  set(list_file "${CMAKE_CURRENT_BINARY_DIR}/embedded_spirv.list")
  string(REPLACE ";" "\n" list_text "${entries}")
  file(WRITE "${list_file}.in" "${list_text}\n")
  configure_file("${list_file}.in" "${list_file}" COPYONLY)
  add_custom_command(
    OUTPUT "${out}"
    COMMAND embed_spirv "${list_file}" "${out}"
    DEPENDS embed_spirv "${list_file}" ${spvs}
    COMMENT "Embedding ${target} SPIR-V"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
