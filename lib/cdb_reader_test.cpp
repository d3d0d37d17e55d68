#include "cdb_reader.h"

#include <cdb.h>
#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "check_main.h"
#include "file.h"
#include "testutil.h"

using spp::Cdb;
using spp::Lookup;
using spp::testing::TempHome;

// Writes a cdb with tinycdb's own writer; `add(key, value)` adds a record.
template <class Fill>
static void write_cdb(const std::string& path, Fill fill) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  struct cdb_make cdbm;
  cdb_make_start(&cdbm, fd);
  fill([&](const std::string& k, const std::string& v) {
    cdb_make_add(&cdbm, k.data(), unsigned(k.size()), v.data(), unsigned(v.size()));
  });
  cdb_make_finish(&cdbm);
  close(fd);
}

static void make_cdb(const std::string& path) {
  write_cdb(path, [](auto add) {
    add("joe@example.com", "1");
    add("@example.org", "");
  });
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

// Many keys: chains that share a table and collide, values longer than what a
// lookup reads ahead, empty values, absent keys that probe full chains.
START_TEST(test_cdb_many) {
  TempHome home;
  std::string path = home.control("many.cdb");
  write_cdb(path, [](auto add) {
    for (int i = 0; i < 5000; ++i)
      add("user" + std::to_string(i) + "@example.com", std::string(size_t(i % 700), char('a' + i % 26)));
    add("dup", "first");
    add("dup", "second");
  });
  Cdb db;
  ck_assert(db.open(path) == Lookup::found);
  for (int i = 0; i < 5000; ++i) {
    auto r = db.find("user" + std::to_string(i) + "@example.com");
    ck_assert_msg(r.status == Lookup::found, "key %d", i);
    ck_assert(r.value == std::string(size_t(i % 700), char('a' + i % 26)));
    ck_assert(db.find("user" + std::to_string(i) + "@example.net").status == Lookup::missing);
  }
  ck_assert(db.find("dup").value == "first");  // the first record, as tinycdb's cdb_find
  ck_assert(db.find("").status == Lookup::missing);
}
END_TEST

// A damaged file is an error, never a read outside it or a crash.
START_TEST(test_cdb_damaged) {
  TempHome home;
  make_cdb(home.control("users.cdb"));
  std::string data;
  ck_assert(spp::read_file(home.control("users.cdb"), data) == 0);
  // Cut inside the hash tables: the header points past the end.
  home.write("control/cut.cdb", data.substr(0, data.size() - 32));  // both tables (2 x 2 slots)
  Cdb cut;
  ck_assert(cut.open(home.control("cut.cdb")) == Lookup::found);
  auto r = cut.find("joe@example.com");
  ck_assert(r.status == Lookup::error);
  ck_assert_str_eq(r.error.c_str(), "corrupt cdb");
  // A header of 2048 bytes whose every table lies beyond the file.
  home.write("control/wild.cdb", std::string(2048, '\xff'));
  Cdb wild;
  ck_assert(wild.open(home.control("wild.cdb")) == Lookup::found);
  ck_assert(wild.find("joe@example.com").status == Lookup::error);
  // Records whose lengths run past the end.
  std::string bad = data;
  bad.replace(2048 + 4, 4, std::string("\xff\xff\xff\x7f", 4));  // data length of the first record
  home.write("control/long.cdb", bad);
  Cdb longer;
  ck_assert(longer.open(home.control("long.cdb")) == Lookup::found);
  ck_assert(longer.find("joe@example.com").status == Lookup::error);
  // A FIFO is refused at open, without blocking.
  std::string fifo = home.control("fifo.cdb");
  ck_assert(mkfifo(fifo.c_str(), 0600) == 0);
  Cdb pipe;
  ck_assert(pipe.open(fifo) == Lookup::error);
}
END_TEST

// The pread reader against tinycdb's own (mmap) lookup on the same file:
// 20 000 keys (hash chains collide), duplicates (the first wins), an empty
// key, binary keys, absent keys; then every truncation of a small file
// answers without crashing and never with a wrong value.
START_TEST(test_cdb_same_as_tinycdb) {
  TempHome home;
  std::string path = home.control("big.cdb");
  auto key = [](int i) { return std::string(i % 7 == 0 ? "!" : "k") + std::to_string(i) + (i % 11 ? "" : std::string(1, '\0')); };
  write_cdb(path, [&](auto add) {
    for (int i = 0; i < 20000; ++i) add(key(i), "v" + std::to_string(i * 3));
    add("k5", "second");
    add("", "-");
  });
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
  tcase_add_test(tc, test_cdb_many);
  tcase_add_test(tc, test_cdb_damaged);
  tcase_add_test(tc, test_cdb_same_as_tinycdb);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
