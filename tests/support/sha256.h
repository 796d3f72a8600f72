// SHA-256 (FIPS 180-4) for checking test data against the hashes that
// tests/data/golden/manifest.json records.
#pragma once

#include <cstddef>
#include <string>

namespace vkpose::test {

// Lower-case hex digest of `bytes`.
std::string sha256Hex(const void* data, size_t bytes);

}  // namespace vkpose::test
