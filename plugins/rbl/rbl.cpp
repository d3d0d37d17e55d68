// PLACEHOLDER — replaced by the RBL check.
#include "rbl/rbl.h"
namespace spp::rbl {
static Verdict run(const Context&) { return Verdict::no_opinion(); }
const Check check = {"rbl", Hook::connect | Hook::mail | Hook::rcpt | Hook::data, FailMode::open, run};
}
