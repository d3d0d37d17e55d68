#include "cdb_reader.h"

#include <cdb.h>
#include <check.h>
#include <fcntl.h>
#include <unistd.h>

#include "check_main.h"
#include "testutil.h"

using spp::Cdb;
using spp::Lookup;
using spp::testing::TempHome;

static void make_cdb(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  struct cdb_make cdbm;
  cdb_make_start(&cdbm, fd);
  cdb_make_add(&cdbm, "joe@example.com", 15, "1", 1);
  cdb_make_add(&cdbm, "@example.org", 12, "", 0);
  cdb_make_finish(&cdbm);
  close(fd);
}

START_TEST(test_cdb_tristate) {
  TempHome home;
  make_cdb(home.control("users.cdb"));
  Cdb db;
  ck_assert(db.open(home.control("users.cdb")) == Lookup::found);
  auto hit = db.find("joe@example.com");
  ck_assert(hit.status == Lookup::found);
  ck_assert(hit.value == "1");
  auto empty = db.find("@example.org");
  ck_assert(empty.status == Lookup::found);
  ck_assert(empty.value.empty());
  ck_assert(db.find("JOE@example.com").status == Lookup::missing);
}
END_TEST

START_TEST(test_cdb_missing_and_corrupt) {
  TempHome home;
  Cdb missing;
  ck_assert(missing.open(home.control("none.cdb")) == Lookup::missing);
  ck_assert(missing.find("x").status == Lookup::error);
  home.write("control/bad.cdb", "short");
  Cdb bad;
  ck_assert(bad.open(home.control("bad.cdb")) == Lookup::error);
}
END_TEST

int main() {
  Suite* s = suite_create("cdb");
  TCase* tc = tcase_create("lookup");
  tcase_add_test(tc, test_cdb_tristate);
  tcase_add_test(tc, test_cdb_missing_and_corrupt);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
