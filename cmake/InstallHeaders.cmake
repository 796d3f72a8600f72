# Install-time script (cmake/Install.cmake): installs the headers in
# VKPOSE_HEADER_ROOTS and every project header they reach through quoted
# includes, at their paths from the project root under
# VKPOSE_HEADER_DESTINATION, since they include one another by those paths.
#
# A reached header must be in the source tree. The flatc-generated schema
# header (build tree) is not reached today, which is why the package needs no
# flatbuffers headers; should a public header start including it, installing
# stops here rather than ship a header that cannot compile.
cmake_policy(VERSION 3.25)  # install scripts start with none set

set(todo ${VKPOSE_HEADER_ROOTS})
set(found "")
while(todo)
  list(POP_FRONT todo header)
  if(header IN_LIST found)
    continue()
  endif()
  if(NOT EXISTS "${VKPOSE_SOURCE_DIR}/${header}")
    message(FATAL_ERROR "vkpose: the public headers include \"${header}\", which is not in the source tree; "
                        "install it too (cmake/Install.cmake) or keep it out of the public headers")
  endif()
  list(APPEND found ${header})
  file(STRINGS "${VKPOSE_SOURCE_DIR}/${header}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" included "${line}")
    list(APPEND todo ${included})
  endforeach()
endwhile()

list(SORT found)
foreach(header IN LISTS found)
  get_filename_component(dir ${header} DIRECTORY)
  file(INSTALL "${VKPOSE_SOURCE_DIR}/${header}" DESTINATION "${VKPOSE_HEADER_DESTINATION}/${dir}")
endforeach()
