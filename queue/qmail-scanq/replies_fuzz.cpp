// replies_fuzz: clamd and spamd answers from a hostile or broken scanner.
// Never "clean" or "ok" for what is not exactly that; details stay one
// printable bounded line (they end up in logs and SMTP replies).
#include <cstdlib>
#include <string_view>

#include "fuzz.h"
#include "scanq.h"

using namespace spp::scanq;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  ClamReply c = parse_clamd_reply(in);
  if (c.detail.size() > 230) std::abort();
  for (unsigned char ch : c.detail)
    if (ch < 32 || ch >= 127) std::abort();
  if (c.status == ClamStatus::clean) {
    std::string_view t = in;
    while (!t.empty() && (t.back() == '\0' || t.back() == '\n')) t.remove_suffix(1);
    if (t != "stream: OK") std::abort();
  }
  SpamReply s = parse_spamd_reply(in);
  if (s.ok && in.substr(0, 8) != "SPAMD/1.") std::abort();
  if (s.ok && !s.error.empty()) std::abort();
  return 0;
}
