// spf_fuzz: hostile SPF records, explanation texts and senders through our
// record check, the canonical form, the macro expander and then the whole
// evaluation (libspf2 behind our DNS layer) over a scripted resolver that
// serves the record for every name. Oracles: no crash or sanitizer report;
// a record we accept has a canonical form we accept too; expansions stay
// within their bound; headers are one line; the evaluation ends.
// Input: mode byte, sender (until NUL), record (until NUL), exp text (rest).
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fakes/fake_deps.h"
#include "fuzz.h"
#include "fuzz_input.h"
#include "log.h"
#include "spf/spf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace spp;
  static bool quiet = (log::set_fd(open("/dev/null", O_WRONLY)), true);
  (void)quiet;
  fuzz::Input in(data, size);
  uint8_t mode = in.byte();
  std::string sender = in.until_nul(), record = in.until_nul(), exp = in.rest();
  if (sender.size() > 1100 || record.size() > 6000) return 0;
  std::string error;
  auto parsed = spf::parse_record(record, error);
  if (parsed) {
    std::string again = spf::canonical(*parsed, mode & 1);
    if (!spf::parse_record(again, error)) std::abort();
  }
  spf::MacroValues v;
  v.sender = sender;
  v.domain = "example.com";
  v.ip = (mode & 1) ? "2001:db8::1" : "192.0.2.1";
  v.ipv6 = mode & 1;
  v.helo = sender;
  if (spf::valid_macro_string(exp, true, true) && spf::expand_macros(exp, v, 300).size() > 300) std::abort();
  // The whole evaluation: every TXT name answers the record (and the exp
  // text at exp.example.com), every address name answers 192.0.2.1.
  testing::FakeDeps deps;
  deps.resolver.set_zone_status("example.com", testing::found({record}));
  deps.resolver.set("example.com", RRType::txt, testing::found({record}));
  deps.resolver.set("exp.example.com", RRType::txt, testing::found({exp}));
  spf::Request req;
  req.ip = v.ip;
  req.sender = (mode & 2) ? "" : sender + "@example.com";
  req.helo = (mode & 2) ? "example.com" : sender;
  req.receiver = "mx.example.org";
  req.default_exp = spf::kDefaultExp;
  req.explain = 0x7f;
  spf::Outcome o = spf::evaluate(req, deps.resolver);
  std::string h = spf::received_spf((mode & 4) ? spf::HeaderForm::rfc : spf::HeaderForm::classic, o,
                                    req.receiver, req.helo);
  if (h.find_first_of("\r\n") != std::string::npos || h.size() > 2000) std::abort();
  if (o.explanation.size() > 1024) std::abort();
  return 0;
}
