// srs_cmd: `spp-conf srs` — new secrets, SRS forward and reverse by hand (tools/srs_cmd.cpp).
#pragma once

#include "spp_conf.h"

namespace spp::conf {

/// argv[0] is "srs". Exit codes: 0, 100 (usage, refused address), 111 (no secret, I/O).
int cmd_srs(int argc, char** argv, const Paths& paths, const Env& env);

}  // namespace spp::conf
