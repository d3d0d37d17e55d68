// check_main: the common end of every Check unit test's main().
#pragma once

#include <check.h>

namespace spp::testing {

/// Runs the suite (CK_RUN_SUITE/CK_RUN_CASE narrow it) and returns the exit status.
inline int run_suite(Suite* suite) {
  SRunner* runner = srunner_create(suite);
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed ? 1 : 0;
}

}  // namespace spp::testing
