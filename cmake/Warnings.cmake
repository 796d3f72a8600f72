# One interface target carries the project's warning flags, so third-party
# code (gtest, generated headers) is not held to them.
add_library(vkpose_warnings INTERFACE)
target_compile_options(vkpose_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion
  # Vulkan structs are initialised as {sType}, relying on value-initialisation of the rest.
  -Wno-missing-field-initializers>)
