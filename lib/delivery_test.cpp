// lib/delivery unit tests for the compiled control/virtualdomains (spp-conf
// cdb virtualdomains) and the per-run memo: the cdb answers exactly as the
// text on every virtualdomains rule (user@domain, domain, .suffix, the empty
// key, empty prefix, case, duplicates, comments, colon-less lines, trailing
// blanks, locals first); a stale cdb (older than the text, or its text
// gone) is ignored with one warning; a corrupt or foreign cdb is an error;
// with a RunMemo, config and resolution are computed once per hook run.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "delivery.h"
#include "fakes/fake_deps.h"
#include "log.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using spp::testing::FakeDeps;
using namespace std::string_literals;

namespace {

const std::string Q = "/nonexistent-q";
const std::string kText = Q + "/control/virtualdomains";
const std::string kCdb = Q + "/control/virtualdomains.cdb";

// Every kind of line qmail-send's map meets.
const std::string kRules =
    "# a comment: not a key\n"
    "\n"
    "a.test:pa\n"
    "A.Test:pa2\n"              // the same key without case: the later line wins
    "user@a.test:pu\n"
    "USER2@A.TEST:pu2\n"
    ".a.test:psub\n"
    ".b.a.test:pdeep\n"
    "e.test:\n"                 // empty prefix: remote
    "nocolon.test\n"            // no ':': ignored
    "t.test:pt \t\r\n"          // trailing blanks and CR cut
    "m.test:pm:x\n"             // the prefix is everything after the first ':'
    "loc.test:ploc\n"           // also in locals: local wins
    ".example:pex\n"
    "x y.test:pxy\n"
    "\xe9.test:p8\n"
    "dup.test:one\n"
    "dup.test:two\n";

const struct {
  const char* rules;  // nullptr: kRules
  const char* address;
  bool local;
  const char* as;  // the local part qmail-lspawn sees
} rows[] = {
    {nullptr, "x@a.test", true, "pa2-x"},
    {nullptr, "X@A.TEST", true, "pa2-X"},
    {nullptr, "user@a.test", true, "pu-user"},
    {nullptr, "User@A.test", true, "pu-User"},
    {nullptr, "user2@a.test", true, "pu2-user2"},
    {nullptr, "x@b.a.test", true, "psub-x"},  // .a.test: .b.a.test needs one more label
    {nullptr, "x@c.b.a.test", true, "pdeep-x"},
    {nullptr, "x@z.c.b.a.test", true, "pdeep-x"},
    {nullptr, "x@e.test", false, ""},
    {nullptr, "x@nocolon.test", false, ""},
    {nullptr, "x@t.test", true, "pt-x"},
    {nullptr, "x@m.test", true, "pm:x-x"},
    {nullptr, "x@loc.test", true, "x"},
    {nullptr, "x@foo.example", true, "pex-x"},
    {nullptr, "x@example", false, ""},  // ".example" does not match "example"
    {nullptr, "x@x y.test", true, "pxy-x"},
    {nullptr, "x@\xe9.test", true, "p8-x"},
    {nullptr, "x@\xc9.test", false, ""},  // case folding is ASCII only
    {nullptr, "x@dup.test", true, "two-x"},
    {nullptr, "x@other.test", false, ""},
    {nullptr, "x", false, ""},  // @envnoathost
    {nullptr, "@a.test", true, "pa2-"},
    {nullptr, "a@b@a.test", true, "pa2-a@b"},
    {"a.test:pa\n:pall\n", "x@a.test", true, "pa-x"},
    {"a.test:pa\n:pall\n", "x@else.where", true, "pall-x"},
    {"a.test:pa\n:pall\n", "x", true, "pall-x"},
    {":\n", "x@a.test", false, ""},
    {".test:ptld\nuser@a.test:pu\n", "user@a.test", true, "pu-user"},
    {".test:ptld\nuser@a.test:pu\n", "other@a.test", true, "ptld-other"},
    {"a.test:pa\n#a.test:no\n", "x@a.test", true, "pa-x"},
    {"", "x@a.test", false, ""},
    {nullptr, "", false, ""},
};

void world(FakeDeps& d, const char* rules) {
  d.files[Q + "/control/me"] = "mx.example.net\n";
  d.files[Q + "/control/locals"] = "loc.test\n";
  d.files[kText] = rules ? rules : kRules;
}

// What spp-conf cdb virtualdomains writes, as a cdb reader sees it (the
// first record of a key), and as new as the text.
void compile(FakeDeps& d) {
  CdbRecords records;
  size_t entries = 0;
  ck_assert_int_eq(delivery::virtualdomains_records(d, kText, records, entries), 0);
  auto& db = d.cdbs[kCdb];
  db.clear();
  for (const auto& [k, v] : records) db.emplace(k, v);
  d.stats[kCdb] = FileInfo{0100644, 0, 100, d.wall};
}

delivery::Config config(FakeDeps& d, RunMemo* memo = nullptr) {
  Env env;
  Control control(Q, env);
  return delivery::load_config(control, d, memo);
}

// Log lines written while fn runs.
template <class F>
std::string logged(F fn) {
  char tmpl[] = "/tmp/spplog.XXXXXX";
  int fd = mkstemp(tmpl);
  unlink(tmpl);
  log::set_fd(fd);
  fn();
  log::set_fd(-1);
  std::string out(4096, '\0');
  ssize_t n = pread(fd, out.data(), out.size(), 0);
  close(fd);
  out.resize(n > 0 ? size_t(n) : 0);
  return out;
}

}  // namespace

START_TEST(test_compiled_equals_text) {
  auto row = rows[_i];
  FakeDeps text;
  world(text, row.rules);
  delivery::Config tc = config(text);
  ck_assert(tc.virtualdomains_cdb.empty());
  delivery::Result tr;
  bool tl = delivery::route(tc, text, row.address, tr);

  FakeDeps comp;
  world(comp, row.rules);
  compile(comp);
  comp.files.erase(kText);  // the lookup must not read the text: keep it statable only
  comp.stats[kText] = FileInfo{0100644, 0, 1, comp.wall};
  delivery::Config cc = config(comp);
  ck_assert_msg(cc.error.empty(), "%s", cc.error.c_str());
  ck_assert_str_eq(cc.virtualdomains_cdb.c_str(), kCdb.c_str());
  delivery::Result cr;
  bool cl = delivery::route(cc, comp, row.address, cr);

  ck_assert_msg(tl == row.local, "%s: text says %s (%s)", row.address, tl ? "local" : "not local", tr.why.c_str());
  ck_assert_msg(cl == tl, "%s: compiled %d, text %d", row.address, cl, tl);
  ck_assert_msg(cr.outcome == tr.outcome, "%s: %s vs %s", row.address, delivery::outcome_name(cr.outcome),
                delivery::outcome_name(tr.outcome));
  ck_assert_msg(cr.local == tr.local && cr.domain == tr.domain && cr.why == tr.why, "%s: [%s|%s|%s] vs [%s|%s|%s]",
                row.address, cr.local.c_str(), cr.domain.c_str(), cr.why.c_str(), tr.local.c_str(),
                tr.domain.c_str(), tr.why.c_str());
  if (tl) ck_assert_msg(tr.local == row.as, "%s: %s", row.address, tr.local.c_str());
}
END_TEST

START_TEST(test_records) {
  FakeDeps d;
  world(d, nullptr);
  CdbRecords records;
  size_t entries = 0;
  ck_assert_int_eq(delivery::virtualdomains_records(d, kText, records, entries), 0);
  ck_assert_uint_eq(entries, 15);  // every line with a ':' (the comment, blank and colon-less ones not)
  ck_assert(records[0].first == kAlwaysKey);
  std::map<std::string, std::string> m(records.begin() + 1, records.end());
  ck_assert_uint_eq(m.size(), records.size() - 1);  // one record per key
  ck_assert_str_eq(m["a.test"].c_str(), "pa2");
  ck_assert_str_eq(m["user2@a.test"].c_str(), "pu2");
  ck_assert_str_eq(m["t.test"].c_str(), "pt");
  ck_assert_str_eq(m["dup.test"].c_str(), "two");
  ck_assert(m.count("e.test") && m["e.test"].empty());
  ck_assert_int_eq(delivery::virtualdomains_records(d, Q + "/control/none", records, entries), ENOENT);
  d.unreadable.insert(kText);
  ck_assert_int_eq(delivery::virtualdomains_records(d, kText, records, entries), EACCES);
}
END_TEST

// qmail-send reads the text: a cdb older than it, or without it, is not used.
START_TEST(test_stale) {
  FakeDeps d;
  d.wall = 1000;
  world(d, "a.test:old\n");
  compile(d);
  d.files[kText] = "a.test:new\n";
  d.stats[kText] = FileInfo{0100644, 0, 11, 1001};  // edited after the build
  delivery::Config c;
  std::string log = logged([&] { c = config(d); });
  ck_assert(c.virtualdomains_cdb.empty());
  ck_assert(c.error.empty());
  ck_assert_msg(log.find("virtualdomains.cdb ignored: older than " + kText) != std::string::npos, "%s", log.c_str());
  ck_assert_uint_eq(std::count(log.begin(), log.end(), '\n'), 1);
  delivery::Result r;
  ck_assert(delivery::route(c, d, "x@a.test", r));
  ck_assert_str_eq(r.local.c_str(), "new-x");
  // Same second: the nanoseconds decide.
  d.stats[kText] = FileInfo{0100644, 0, 11, 1000, 5};
  d.stats[kCdb].mtime_nsec = 4;
  ck_assert(config(d).virtualdomains_cdb.empty());
  d.stats[kCdb].mtime_nsec = 5;  // built in the same instant: in force
  c = config(d);
  ck_assert_str_eq(c.virtualdomains_cdb.c_str(), kCdb.c_str());
  ck_assert(delivery::route(c, d, "x@a.test", r));
  ck_assert_str_eq(r.local.c_str(), "old-x");
  // The text gone: qmail has no virtual domains, whatever the cdb says.
  d.files.erase(kText);
  d.stats.erase(kText);
  log = logged([&] { c = config(d); });
  ck_assert(c.virtualdomains_cdb.empty());
  ck_assert_msg(log.find("is gone") != std::string::npos, "%s", log.c_str());
  ck_assert(!delivery::route(c, d, "x@a.test", r));
  ck_assert(r.outcome == delivery::Outcome::remote);
}
END_TEST

// A cdb that cannot answer is an error (the checks' fail mode), never "remote".
START_TEST(test_corrupt) {
  FakeDeps d;
  world(d, "a.test:pa\n");
  compile(d);
  d.unreadable.insert(kCdb);
  delivery::Config c = config(d);
  ck_assert_msg(c.error.find("unable to read " + kCdb) != std::string::npos, "%s", c.error.c_str());
  d.unreadable.clear();
  d.cdbs[kCdb].erase(std::string(kAlwaysKey));  // not made by spp-conf
  c = config(d);
  ck_assert_msg(c.error.find("not built by spp-conf cdb") != std::string::npos, "%s", c.error.c_str());
  compile(d);
  c = config(d);
  ck_assert(c.error.empty());
  d.unreadable.insert(kCdb);  // breaks after the probe
  delivery::Result r;
  ck_assert(!delivery::route(c, d, "x@a.test", r));
  ck_assert(r.outcome == delivery::Outcome::error);
  ck_assert(delivery::route(c, d, "x@loc.test", r));  // locals: no lookup
  d.errnos[kCdb] = EIO;  // cannot even stat it
  ck_assert(!config(d).error.empty());
}
END_TEST

START_TEST(test_memo) {
  FakeDeps d;
  world(d, "a.test:joe\n");
  d.files[Q + "/passwd"] = "joe:x:1000:1000::/h/joe:/bin/sh\n";
  d.stats["/h/joe"] = FileInfo{040755, 1000, 0, 0};
  RunMemo memo;
  delivery::Config c = config(d, &memo);
  c.passwd = Q + "/passwd";
  unsigned long stats = d.stat_calls;
  ck_assert_uint_gt(stats, 0);                 // the cdb was looked for
  delivery::Config again = config(d, &memo);  // the second check of the run
  ck_assert_uint_eq(d.stat_calls, stats);
  ck_assert_str_eq(again.virtualdomains.c_str(), c.virtualdomains.c_str());
  delivery::Result r = delivery::resolve(c, d, "x@a.test", &memo);
  ck_assert(r.outcome == delivery::Outcome::bounce);
  stats = d.stat_calls;
  delivery::Result r2 = delivery::resolve(c, d, "x@a.test", &memo);
  ck_assert_uint_eq(d.stat_calls, stats);
  ck_assert_str_eq(r2.why.c_str(), r.why.c_str());
  delivery::resolve(c, d, "y@a.test", &memo);  // another address is looked up
  ck_assert_uint_gt(d.stat_calls, stats);
  stats = d.stat_calls;
  c.alias_user = "other";  // another config: looked up again
  delivery::resolve(c, d, "x@a.test", &memo);
  ck_assert_uint_gt(d.stat_calls, stats);
  RunMemo fresh;  // a new hook run (or another qmail home) reads its files again
  stats = d.stat_calls;
  config(d, &fresh);
  ck_assert_uint_gt(d.stat_calls, stats);
}
END_TEST

int main() {
  Suite* s = suite_create("delivery");
  TCase* tc = tcase_create("virtualdomains.cdb");
  tcase_add_loop_test(tc, test_compiled_equals_text, 0, sizeof rows / sizeof rows[0]);
  tcase_add_test(tc, test_records);
  tcase_add_test(tc, test_stale);
  tcase_add_test(tc, test_corrupt);
  tcase_add_test(tc, test_memo);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
