// clock: milliseconds on the monotonic clock, for deadlines and log timings.
#pragma once

#include <ctime>

namespace spp {

inline long long now_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace spp
