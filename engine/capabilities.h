// What the chosen device can do, read once at start-up. Kernels pick their
// variants (precision, workgroup size, subgroup paths) from this snapshot.
#pragma once

#include "engine/vulkan_api.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace vkpose {

struct CooperativeMatrixShape {
  uint32_t m = 0, n = 0, k = 0;
  std::string a_type, c_type;  // component types, e.g. "fp16", "fp32"
};

struct Capabilities {
  // Identity
  std::string device_name;
  std::string driver_name;  // e.g. "llvmpipe", "NVIDIA"; from VkPhysicalDeviceDriverProperties
  std::string driver_info;
  VkPhysicalDeviceType device_type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
  uint32_t vendor_id = 0, device_id = 0;
  uint32_t api_version = 0, driver_version = 0;
  std::array<uint8_t, VK_UUID_SIZE> pipeline_cache_uuid{};

  // Precision
  bool storage_16bit = false;  // storageBuffer16BitAccess: fp16 storage variants
  bool float16_arith = false;  // shaderFloat16: fp16 arithmetic variants
  bool storage_8bit = false;   // storageBuffer8BitAccess
  bool int8_arith = false;     // shaderInt8
  bool vulkan_memory_model = false;  // vulkanMemoryModel with device scope: the cooperative-matrix kernel needs it

  // Subgroups
  uint32_t subgroup_size = 0;
  uint32_t min_subgroup_size = 0, max_subgroup_size = 0;
  bool subgroup_size_control = false;
  VkSubgroupFeatureFlags subgroup_ops = 0;  // valid in compute stages only
  bool subgroups_in_compute = false;

  // Cooperative matrices (tensor cores)
  bool cooperative_matrix_nv = false;   // VK_NV_cooperative_matrix, extension and its cooperativeMatrix feature
  bool cooperative_matrix_khr = false;  // VK_KHR_cooperative_matrix
  std::vector<CooperativeMatrixShape> cooperative_matrix_shapes;

  // Host memory the GPU reads in place (VK_EXT_external_memory_host):
  // minImportedHostPointerAlignment where the extension is enabled, else 0.
  uint64_t host_import_alignment = 0;

  // Streaming multiprocessors (VK_NV_shader_sm_builtins' shaderSMCount):
  // how many workgroups of a large kind run at once. 0 where not reported.
  uint32_t sm_count = 0;

  // Limits
  uint32_t max_workgroup_invocations = 0;
  std::array<uint32_t, 3> max_workgroup_size{};
  std::array<uint32_t, 3> max_workgroup_count{};
  uint32_t max_shared_memory_bytes = 0;
  uint64_t max_storage_buffer_range = 0;
  uint32_t max_push_constants_bytes = 0;
  uint64_t min_storage_buffer_offset_alignment = 0;
  uint64_t min_texel_buffer_offset_alignment = 0;
  uint32_t max_texel_buffer_elements = 0;
  uint64_t non_coherent_atom_size = 0;

  // Timing
  bool timestamps = false;  // compute queue supports timestamp queries
  uint32_t timestamp_valid_bits = 0;
  float timestamp_period_ns = 0.f;

  // One of cooperative_matrix_shapes, e.g. hasCooperativeMatrix(16, 16, 16, "fp16", "fp32").
  bool hasCooperativeMatrix(uint32_t m, uint32_t n, uint32_t k, const char* a_type, const char* c_type) const;

  std::string apiVersionText() const;
  std::string driverVersionText() const;
  std::string describe() const;  // multi-line, human readable
};

Capabilities queryCapabilities(VkInstance instance, VkPhysicalDevice physical, uint32_t queue_family);

// Device extensions the engine enables when present (cooperative matrix, ...).
std::vector<const char*> optionalDeviceExtensions(const std::vector<VkExtensionProperties>& available);

bool hasExtension(const std::vector<VkExtensionProperties>& available, const char* name);
std::vector<VkExtensionProperties> deviceExtensions(VkPhysicalDevice physical);

}  // namespace vkpose
