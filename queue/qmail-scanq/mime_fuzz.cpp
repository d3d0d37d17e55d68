// mime_fuzz: the attachment walker on hostile messages, fed whole and in
// small chunks: the same verdict either way, bounded state, printable details.
#include <cstdlib>
#include <string_view>

#include "fuzz.h"
#include "scanq.h"

using namespace spp::scanq;

static bool clean_text(const std::string& s, size_t max) {
  if (s.size() > max) return false;
  for (unsigned char c : s)
    if (c < 32 || c == 127) return false;
  return true;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  AttachmentPolicy p;
  p.extensions = {"exe", "scr"};
  p.types = {"application/x-msdownload", "video/*"};
  p.signatures = {"TVqQ"};
  p.loaders = {"MZ"};
  MimeWalker whole(p), pieces(p);
  whole.feed(in);
  whole.finish();
  size_t step = size ? 1 + data[0] % 13 : 1;
  for (size_t off = 0; off < in.size(); off += step) pieces.feed(in.substr(off, step));
  pieces.finish();
  if (whole.hit().has_value() != pieces.hit().has_value()) std::abort();
  if (whole.hit() && (whole.hit()->kind != pieces.hit()->kind || whole.hit()->detail != pieces.hit()->detail))
    std::abort();
  if (whole.hit() && !clean_text(whole.hit()->detail, 100)) std::abort();
  if (!clean_text(whole.message_id(), 200) || whole.message_id() != pieces.message_id()) std::abort();
  if (whole.parts() > MimeWalker::kMaxParts + 1) std::abort();
  return 0;
}
