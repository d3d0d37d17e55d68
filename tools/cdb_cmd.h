// spp-conf cdb: compile big SPAMCONTROL lists into control/<name>.cdb.
#pragma once

#include "spp_conf.h"

namespace spp::conf {

/// spp-conf cdb NAME... : builds control/NAME.cdb from control/NAME for
/// badmailfrom, badmailpatterns, blackholedsender, badrcptto, badrcptpatterns,
/// badhelo and authsenders (and virtualdomains, for spp-chkuser), atomically
/// (temporary file + rename). A missing text file
/// removes a stale cdb. 0 ok, 100 usage, 111 I/O failure.
int cmd_cdb(int argc, char** argv, const Paths& paths);

/// The lists `spp-conf cdb` compiles (for spp-conf check's staleness warning).
const char* const* compilable_lists();

}  // namespace spp::conf
