#include "crypto_init.h"

// With --wrap, __real_OPENSSL_cpuid_setup is OpenSSL's probe (the Makefile
// also asks for it with --undefined); without, this weak reference is null.
extern "C" void __real_OPENSSL_cpuid_setup(void) __attribute__((weak));
extern "C" void __wrap_OPENSSL_cpuid_setup(void);

// The start-up call from libcrypto's .init when wrapped: nothing yet.
extern "C" void __wrap_OPENSSL_cpuid_setup(void) {}

namespace spp {

void crypto_ready() {
  static const bool probed = [] {
    if (__real_OPENSSL_cpuid_setup) __real_OPENSSL_cpuid_setup();
    return true;
  }();
  (void)probed;
}

}  // namespace spp
