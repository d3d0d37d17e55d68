// The checks. Adding one is a folder plugins/<name>/ that defines
// spp::<name>::check (see lib/plugin.h), and one X(<name>) line below; the
// Makefile, `spp list`, spp-conf show/check, the README and spp(8) tables and
// the bundle test all follow from here. The order in which a hook entry runs
// its checks is each check's HookUse::order; this list only breaks ties.
#include "plugin.h"

#define SPP_CHECKS(X) \
  X(rbl)              \
  X(tarpit)           \
  X(srs)              \
  X(helocheck)        \
  X(badmailfrom)      \
  X(badrcptto)        \
  X(maxrecipients)    \
  X(authsender)       \
  X(mfdnscheck)       \
  X(chkuser)          \
  X(quota)            \
  X(spf)              \
  X(relay)

namespace spp {

#define SPP_DECLARE(name) \
  namespace name {        \
  extern const Check check; \
  }
SPP_CHECKS(SPP_DECLARE)

const std::vector<Check>& registry() {
#define SPP_ENTRY(name) name::check,
  static const std::vector<Check> checks = {SPP_CHECKS(SPP_ENTRY)};
  return checks;
}

}  // namespace spp
