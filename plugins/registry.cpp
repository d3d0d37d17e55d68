// The checks, in the order the hook entry points run them. Adding a check is
// one folder under plugins/, one word in the Makefile's PLUGINS and one line here.
// Order: verdicts that reject come before the tarpit, so a rejected client is
// not also delayed; cheap cached verdicts come before lookups.
#include "plugin.h"
#include "rbl/rbl.h"
#include "tarpit/tarpit.h"

namespace spp {

const std::vector<Check>& registry() {
  static const std::vector<Check> checks = {
      rbl::check,     // connect (lookup if rbllookupat=connect), mail (lookup+cache), mail/rcpt (refuse)
      tarpit::check,  // rcpt: delay after tarpitcount recipients
  };
  return checks;
}

}  // namespace spp
