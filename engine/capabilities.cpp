#include "engine/capabilities.h"

#include <cstring>
#include <sstream>

#include "engine/device_select.h"
#include "engine/error.h"

namespace vkpose {

namespace {

struct FeatureChain {
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDeviceVulkan11Features v11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDevice16BitStorageFeatures storage16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  VkPhysicalDeviceCooperativeMatrixFeaturesNV coopmat{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
};

void readFeatures(Capabilities& caps, VkPhysicalDevice physical,
                  const std::vector<VkExtensionProperties>& extensions) {
  FeatureChain chain;
  // Vulkan 1.1 devices lack the 1.1/1.2 aggregate structs; ask for the
  // individual 16-bit storage struct there.
  if (caps.api_version >= VK_API_VERSION_1_2) {
    chain.features.pNext = &chain.v11;
    chain.v11.pNext = &chain.v12;
  } else {
    chain.features.pNext = &chain.storage16;
  }
  bool coopmat_extension = hasExtension(extensions, VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
  if (coopmat_extension) {
    chain.coopmat.pNext = chain.features.pNext;
    chain.features.pNext = &chain.coopmat;
  }
  vkGetPhysicalDeviceFeatures2(physical, &chain.features);
  caps.cooperative_matrix_nv = coopmat_extension && chain.coopmat.cooperativeMatrix;
  if (caps.api_version >= VK_API_VERSION_1_2) {
    caps.storage_16bit = chain.v11.storageBuffer16BitAccess;
    caps.float16_arith = chain.v12.shaderFloat16;
    caps.storage_8bit = chain.v12.storageBuffer8BitAccess;
    caps.int8_arith = chain.v12.shaderInt8;
    // Enabling the model without device scope would make every shader that
    // uses device scope (decode's atomics) invalid.
    caps.vulkan_memory_model = chain.v12.vulkanMemoryModel && chain.v12.vulkanMemoryModelDeviceScope;
  } else {
    caps.storage_16bit = chain.storage16.storageBuffer16BitAccess;
  }
}

void readProperties(Capabilities& caps, VkPhysicalDevice physical,
                    const std::vector<VkExtensionProperties>& extensions) {
  VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceSubgroupSizeControlProperties size_control{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES};
  VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
  VkPhysicalDeviceExternalMemoryHostPropertiesEXT host_import{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_MEMORY_HOST_PROPERTIES_EXT};
  VkPhysicalDeviceShaderSMBuiltinsPropertiesNV sm_builtins{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_SM_BUILTINS_PROPERTIES_NV};
  props.pNext = &subgroup;
  bool has_driver_props =
      caps.api_version >= VK_API_VERSION_1_2 || hasExtension(extensions, VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME);
  caps.subgroup_size_control = caps.api_version >= VK_API_VERSION_1_3 ||
                               hasExtension(extensions, VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME);
  void** tail = &subgroup.pNext;
  if (has_driver_props) { *tail = &driver; tail = &driver.pNext; }
  if (caps.subgroup_size_control) { *tail = &size_control; tail = &size_control.pNext; }
  bool has_host_import = hasExtension(extensions, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME);
  if (has_host_import) { *tail = &host_import; tail = &host_import.pNext; }
  bool has_sm_builtins = hasExtension(extensions, VK_NV_SHADER_SM_BUILTINS_EXTENSION_NAME);
  if (has_sm_builtins) { *tail = &sm_builtins; tail = &sm_builtins.pNext; }
  vkGetPhysicalDeviceProperties2(physical, &props);
  caps.sm_count = has_sm_builtins ? sm_builtins.shaderSMCount : 0;

  const VkPhysicalDeviceLimits& l = props.properties.limits;
  caps.subgroup_size = subgroup.subgroupSize;
  caps.subgroups_in_compute = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) != 0;
  caps.subgroup_ops = caps.subgroups_in_compute ? subgroup.supportedOperations : 0;
  caps.min_subgroup_size = caps.subgroup_size_control ? size_control.minSubgroupSize : subgroup.subgroupSize;
  caps.max_subgroup_size = caps.subgroup_size_control ? size_control.maxSubgroupSize : subgroup.subgroupSize;
  if (has_driver_props) {
    caps.driver_name = driver.driverName;
    caps.driver_info = driver.driverInfo;
  }
  caps.max_workgroup_invocations = l.maxComputeWorkGroupInvocations;
  for (int i = 0; i < 3; ++i) {
    caps.max_workgroup_size[i] = l.maxComputeWorkGroupSize[i];
    caps.max_workgroup_count[i] = l.maxComputeWorkGroupCount[i];
  }
  caps.max_shared_memory_bytes = l.maxComputeSharedMemorySize;
  caps.max_storage_buffer_range = l.maxStorageBufferRange;
  caps.max_push_constants_bytes = l.maxPushConstantsSize;
  caps.min_storage_buffer_offset_alignment = l.minStorageBufferOffsetAlignment;
  caps.min_texel_buffer_offset_alignment = l.minTexelBufferOffsetAlignment;
  caps.max_texel_buffer_elements = l.maxTexelBufferElements;
  caps.non_coherent_atom_size = l.nonCoherentAtomSize;
  caps.timestamp_period_ns = l.timestampPeriod;
  caps.host_import_alignment = has_host_import ? host_import.minImportedHostPointerAlignment : 0;
}

void readQueue(Capabilities& caps, VkPhysicalDevice physical, uint32_t queue_family) {
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, families.data());
  caps.timestamp_valid_bits = queue_family < count ? families[queue_family].timestampValidBits : 0;
  caps.timestamps = caps.timestamp_valid_bits > 0 && caps.timestamp_period_ns > 0.f;
}

const char* componentTypeName(VkComponentTypeNV t) {
  switch (t) {
    case VK_COMPONENT_TYPE_FLOAT16_NV: return "fp16";
    case VK_COMPONENT_TYPE_FLOAT32_NV: return "fp32";
    case VK_COMPONENT_TYPE_SINT8_NV: return "s8";
    case VK_COMPONENT_TYPE_SINT32_NV: return "s32";
    case VK_COMPONENT_TYPE_UINT8_NV: return "u8";
    default: return "other";
  }
}

void readCooperativeMatrix(Capabilities& caps, VkInstance instance, VkPhysicalDevice physical,
                           const std::vector<VkExtensionProperties>& extensions) {
  caps.cooperative_matrix_khr = hasExtension(extensions, "VK_KHR_cooperative_matrix");
  if (!caps.cooperative_matrix_nv) return;
  auto query = reinterpret_cast<PFN_vkGetPhysicalDeviceCooperativeMatrixPropertiesNV>(
      vkGetInstanceProcAddr(instance, "vkGetPhysicalDeviceCooperativeMatrixPropertiesNV"));
  if (!query) return;
  uint32_t count = 0;
  query(physical, &count, nullptr);
  std::vector<VkCooperativeMatrixPropertiesNV> props(count, {VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV});
  query(physical, &count, props.data());
  for (const auto& p : props)
    caps.cooperative_matrix_shapes.push_back({p.MSize, p.NSize, p.KSize, componentTypeName(p.AType),
                                              componentTypeName(p.CType)});
}

std::string subgroupOpsText(VkSubgroupFeatureFlags ops) {
  static const std::pair<VkSubgroupFeatureFlagBits, const char*> kNames[] = {
      {VK_SUBGROUP_FEATURE_BASIC_BIT, "basic"},          {VK_SUBGROUP_FEATURE_VOTE_BIT, "vote"},
      {VK_SUBGROUP_FEATURE_ARITHMETIC_BIT, "arithmetic"}, {VK_SUBGROUP_FEATURE_BALLOT_BIT, "ballot"},
      {VK_SUBGROUP_FEATURE_SHUFFLE_BIT, "shuffle"},      {VK_SUBGROUP_FEATURE_SHUFFLE_RELATIVE_BIT, "shuffle_relative"},
      {VK_SUBGROUP_FEATURE_CLUSTERED_BIT, "clustered"},  {VK_SUBGROUP_FEATURE_QUAD_BIT, "quad"}};
  std::string text;
  for (auto [bit, name] : kNames)
    if (ops & bit) text += (text.empty() ? "" : " ") + std::string(name);
  return text.empty() ? "none" : text;
}

}  // namespace

std::vector<VkExtensionProperties> deviceExtensions(VkPhysicalDevice physical) {
  uint32_t count = 0;
  VKPOSE_VK(vkEnumerateDeviceExtensionProperties(physical, nullptr, &count, nullptr));
  std::vector<VkExtensionProperties> extensions(count);
  VKPOSE_VK(vkEnumerateDeviceExtensionProperties(physical, nullptr, &count, extensions.data()));
  return extensions;
}

bool hasExtension(const std::vector<VkExtensionProperties>& available, const char* name) {
  for (const auto& e : available)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

std::vector<const char*> optionalDeviceExtensions(const std::vector<VkExtensionProperties>& available) {
  std::vector<const char*> enabled;
  for (const char* name : {VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME, VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME,
                           VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME})
    if (hasExtension(available, name)) enabled.push_back(name);
  return enabled;
}

Capabilities queryCapabilities(VkInstance instance, VkPhysicalDevice physical, uint32_t queue_family) {
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(physical, &props);
  Capabilities caps;
  caps.device_name = props.deviceName;
  caps.device_type = props.deviceType;
  caps.vendor_id = props.vendorID;
  caps.device_id = props.deviceID;
  caps.api_version = props.apiVersion;
  caps.driver_version = props.driverVersion;
  std::memcpy(caps.pipeline_cache_uuid.data(), props.pipelineCacheUUID, VK_UUID_SIZE);
  std::vector<VkExtensionProperties> extensions = deviceExtensions(physical);
  readFeatures(caps, physical, extensions);
  readProperties(caps, physical, extensions);
  readQueue(caps, physical, queue_family);
  readCooperativeMatrix(caps, instance, physical, extensions);
  return caps;
}

std::string Capabilities::apiVersionText() const {
  return std::to_string(VK_API_VERSION_MAJOR(api_version)) + "." + std::to_string(VK_API_VERSION_MINOR(api_version)) +
         "." + std::to_string(VK_API_VERSION_PATCH(api_version));
}

std::string Capabilities::driverVersionText() const {
  // NVIDIA packs 10.8.8.6 bits and writes the third part with two digits
  // (580.159.04); everyone else (Mesa included) uses the Vulkan encoding.
  if (vendor_id == 0x10DE) {
    unsigned patch = (driver_version >> 6) & 0xFF;
    return std::to_string(driver_version >> 22) + "." + std::to_string((driver_version >> 14) & 0xFF) + "." +
           (patch < 10 ? "0" : "") + std::to_string(patch);
  }
  return std::to_string(VK_API_VERSION_MAJOR(driver_version)) + "." +
         std::to_string(VK_API_VERSION_MINOR(driver_version)) + "." +
         std::to_string(VK_API_VERSION_PATCH(driver_version));
}

bool Capabilities::hasCooperativeMatrix(uint32_t m, uint32_t n, uint32_t k, const char* a_type,
                                        const char* c_type) const {
  for (const auto& s : cooperative_matrix_shapes)
    if (s.m == m && s.n == n && s.k == k && s.a_type == a_type && s.c_type == c_type) return true;
  return false;
}

std::string Capabilities::describe() const {
  std::ostringstream s;
  auto yes = [](bool b) { return b ? "yes" : "no"; };
  s << "device:            " << device_name << " (" << deviceTypeName(device_type) << ", vendor 0x" << std::hex
    << vendor_id << std::dec << ")\n"
    << "driver:            " << driver_name << " " << driverVersionText() << (driver_info.empty() ? "" : " [")
    << driver_info << (driver_info.empty() ? "" : "]") << "\n"
    << "vulkan:            " << apiVersionText() << "\n"
    << "fp16 storage:      " << yes(storage_16bit) << "\n"
    << "fp16 arithmetic:   " << yes(float16_arith) << "\n"
    << "8-bit storage:     " << yes(storage_8bit) << "\n"
    << "int8 arithmetic:   " << yes(int8_arith) << "\n"
    << "memory model:      " << (vulkan_memory_model ? "Vulkan" : "GLSL450 only") << "\n"
    << "subgroup size:     " << subgroup_size << " (range " << min_subgroup_size << "-" << max_subgroup_size
    << (subgroup_size_control ? ", controllable" : "") << ")\n"
    << "subgroup ops:      " << subgroupOpsText(subgroup_ops) << "\n"
    << "coop matrix:       NV " << yes(cooperative_matrix_nv) << ", KHR " << yes(cooperative_matrix_khr) << "\n";
  for (const auto& m : cooperative_matrix_shapes)
    s << "                   " << m.m << "x" << m.n << "x" << m.k << " " << m.a_type << " -> " << m.c_type << "\n";
  if (sm_count) s << "SMs:               " << sm_count << "\n";
  s << "host memory import: ";
  if (host_import_alignment) s << "yes, " << host_import_alignment << "-byte alignment\n";
  else s << "no\n";
  s << "workgroup:         " << max_workgroup_invocations << " invocations, size " << max_workgroup_size[0] << "x"
    << max_workgroup_size[1] << "x" << max_workgroup_size[2] << ", shared " << max_shared_memory_bytes << " B\n"
    << "storage buffer:    max range " << max_storage_buffer_range << " B, offset alignment "
    << min_storage_buffer_offset_alignment << "\n"
    << "texel buffer:      max " << max_texel_buffer_elements << " texels, offset alignment "
    << min_texel_buffer_offset_alignment << "\n"
    << "push constants:    " << max_push_constants_bytes << " B\n"
    << "timestamps:        " << yes(timestamps) << " (" << timestamp_valid_bits << " bits, " << timestamp_period_ns
    << " ns/tick)\n";
  return s.str();
}

}  // namespace vkpose
