// patch_settings: the settings sppkit's qmail-send / qmail-remote patches read
// (patches/README.md, patches/src/bnc*.c), so `spp-conf check` knows them in
// control/options and `spp-conf show` lists them. One table: add a row when a
// patch learns a setting.
#pragma once

#include <string_view>
#include <vector>

namespace spp::conf {

struct PatchSetting {
  const char* name;      // control/<name>, or name=value in control/options
  const char* patch;     // "0002-bounce-ip"
  const char* fallback;  // what applies when unset, as `show` prints it
  bool options;          // also read from control/options (else own control file only)
  const char* meaning;
};

const std::vector<PatchSetting>& patch_settings();
/// nullptr when no patch reads `name`.
const PatchSetting* find_patch_setting(std::string_view name);

}  // namespace spp::conf
