// crypto_init: OpenSSL's CPU probe, run when a check first hashes, not at
// every start.
//
// Statically linked libcrypto calls OPENSSL_cpuid_setup from the .init
// section of x86_64cpuid.o (pulled in by SHA-1) at every exec of spp: six
// CPUID instructions, each a VM exit (~17 us in a VM), for every spp-* run
// although only spp-srs hashes. The static spp is linked with
// -Wl,--wrap=OPENSSL_cpuid_setup (Makefile): that start-up call lands in an
// empty __wrap_OPENSSL_cpuid_setup, and crypto_ready() runs the real probe
// once before the first SHA-1. Elsewhere (spp-conf, tests, dynamic builds)
// nothing is wrapped, OpenSSL probes at start as usual and crypto_ready()
// does nothing.
#pragma once

namespace spp {

/// Call before using libcrypto: OpenSSL's CPU capabilities are set up (once).
void crypto_ready();

}  // namespace spp
