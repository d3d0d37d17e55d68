// srs::new_secret, apart from the codec: RAND_bytes pulls OpenSSL's provider
// machinery, which only spp-conf needs (the static spp binary must not carry it).
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "srs.h"

namespace spp::srs {

std::string new_secret(size_t bytes) {
  static const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // No openssl.cnf: nothing here needs configuration.
  OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
  std::string raw(bytes, '\0');
  if (bytes == 0 || RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), int(bytes)) != 1) return {};
  std::string out;
  unsigned acc = 0, bits = 0;
  for (unsigned char c : raw) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64[(acc >> bits) & 63];
    }
  }
  if (bits) out += kBase64[(acc << (6 - bits)) & 63];
  OPENSSL_cleanse(raw.data(), raw.size());
  return out;
}

}  // namespace spp::srs
