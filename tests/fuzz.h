// fuzz.h: the libFuzzer entry point every *_fuzz target defines.
// Built with tests/fuzz_main.c by `make check` (corpus replay) and with
// clang -fsanitize=fuzzer by `make fuzz`.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
