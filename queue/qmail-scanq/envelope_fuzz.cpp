// envelope_fuzz: qmail-queue envelopes from a hostile qmail-smtpd stand-in.
// Whatever the bytes, parse_envelope answers one of qmail-queue's codes, and
// what it accepts serialises back to exactly the bytes it read.
#include <cstdlib>
#include <string_view>

#include "fuzz.h"
#include "scanq.h"

using namespace spp::scanq;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  EnvelopeResult r = parse_envelope(in);
  if (r.status != qq::ok && r.status != qq::read_error && r.status != qq::bad_envelope &&
      r.status != qq::addr_too_long)
    std::abort();
  if (r.status == qq::ok) {
    std::string back = serialize_envelope(r.envelope);
    if (in.substr(0, back.size()) != back) std::abort();
    for (const auto& a : r.envelope.recipients)
      if (a.size() > kMaxAddress || a.find('\0') != std::string::npos) std::abort();
  }
  return 0;
}
