#include "cdb_reader.h"

#include <cdb.h>
#include <check.h>
#include <fcntl.h>
#include <unistd.h>

#include <string>

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

// The pread reader against tinycdb's own (mmap) lookup on the same file:
// 20 000 keys (hash chains collide), duplicates (the first wins), an empty
// key, binary keys, absent keys; then every truncation of a small file
// answers without crashing and never with a wrong value.
START_TEST(test_cdb_same_as_tinycdb) {
  TempHome home;
  std::string path = home.control("big.cdb");
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  struct cdb_make cdbm;
  cdb_make_start(&cdbm, fd);
  auto key = [](int i) { return std::string(i % 7 == 0 ? "!" : "k") + std::to_string(i) + (i % 11 ? "" : std::string(1, '\0')); };
  for (int i = 0; i < 20000; ++i) {
    std::string k = key(i), v = "v" + std::to_string(i * 3);
    cdb_make_add(&cdbm, k.data(), unsigned(k.size()), v.data(), unsigned(v.size()));
  }
  cdb_make_add(&cdbm, "k5", 2, "second", 6);
  cdb_make_add(&cdbm, "", 0, "-", 1);
  cdb_make_finish(&cdbm);
  close(fd);
  Cdb db;
  ck_assert(db.open(path) == Lookup::found);
  int tfd = open(path.c_str(), O_RDONLY);
  struct cdb tiny;
  ck_assert_int_eq(cdb_init(&tiny, tfd), 0);
  for (int i = -1; i < 22000; ++i) {
    std::string k = i < 0 ? std::string() : key(i);
    auto got = db.find(k);
    int want = cdb_find(&tiny, k.data(), unsigned(k.size()));
    ck_assert_msg((want > 0) == (got.status == Lookup::found), "key %d", i);
    if (want > 0) {
      std::string v(static_cast<const char*>(cdb_get(&tiny, cdb_datalen(&tiny), cdb_datapos(&tiny))), cdb_datalen(&tiny));
      ck_assert_msg(v == got.value, "key %d: %s vs %s", i, got.value.c_str(), v.c_str());
    }
  }
  ck_assert(db.find("k5").value == "v15");
  cdb_free(&tiny);
  close(tfd);
  make_cdb(home.control("small.cdb"));
  std::string whole;
  {
    int sfd = open(home.control("small.cdb").c_str(), O_RDONLY);
    char buf[8192];
    ssize_t n = read(sfd, buf, sizeof buf);
    close(sfd);
    whole.assign(buf, size_t(n > 0 ? n : 0));
  }
  for (size_t len = 2048; len < whole.size(); ++len) {
    home.write("control/cut.cdb", whole.substr(0, len));
    Cdb cut;
    ck_assert(cut.open(home.control("cut.cdb")) == Lookup::found);
    auto r = cut.find("joe@example.com");
    ck_assert_msg(r.status != Lookup::found || r.value == "1", "cut at %zu", len);
  }
}
END_TEST

int main() {
  Suite* s = suite_create("cdb");
  TCase* tc = tcase_create("lookup");
  tcase_add_test(tc, test_cdb_tristate);
  tcase_add_test(tc, test_cdb_missing_and_corrupt);
  tcase_add_test(tc, test_cdb_same_as_tinycdb);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
