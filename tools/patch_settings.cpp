#include "patch_settings.h"

namespace spp::conf {

const std::vector<PatchSetting>& patch_settings() {
  static const std::vector<PatchSetting> all = {
      {"bouncingip", "0002-bounce-ip", "(none)", true,
       "qmail-remote binds to this IPv4 address for bounces and double bounces"},
      {"outgoingip", "0002-bounce-ip", "(none)", true,
       "qmail-remote binds to this IPv4 address for every other delivery"},
      {"temperror", "0003-temperror", "0", true,
       "0-3: which temporary delivery failures become permanent"},
      {"doublebounceto", "0004-doublebounce-trim", "postmaster", false,
       "an empty first line discards double bounces (stock control file)"},
      {"strictbounce", "0005-strictbounce", "0", true,
       "0 stock, 1 single bounces go to doublebounceto, 2 every bounce is discarded"},
      {"bouncesubject", "0006-bounce-text", "(stock text)", false, "Subject: of a bounce"},
      {"bouncemessage", "0006-bounce-text", "(stock text)", false, "text at the top of a bounce"},
      {"doublebouncesubject", "0006-bounce-text", "(stock text)", false, "Subject: of a double bounce"},
      {"doublebouncemessage", "0006-bounce-text", "(stock text)", false, "text at the top of a double bounce"},
      {"bouncebody", "0007-bounce-body", "all", true,
       "all, headers or N: how much of the original message a bounce carries"},
  };
  return all;
}

const PatchSetting* find_patch_setting(std::string_view name) {
  for (const auto& s : patch_settings())
    if (name == s.name) return &s;
  return nullptr;
}

}  // namespace spp::conf
