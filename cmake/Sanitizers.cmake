# Sanitizers apply to the whole build so that every library, test and tool is
# instrumented consistently (mixing instrumented and plain code hides leaks).
if(VKPOSE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
