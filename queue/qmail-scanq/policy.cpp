// policy: the recipient lists (clamavclients, spamdclients) and the scope rule.
#include "scanq.h"
#include "text.h"

namespace spp::scanq {

Lookup ClientList::load(const Control& control, std::string_view name) {
  std::string cdb = control.path(std::string(name) + ".cdb");
  auto db = std::make_shared<Cdb>();
  Lookup st = db->open(cdb);
  if (st == Lookup::error) {
    error = cdb + ": " + db->error();
    return st;
  }
  if (st == Lookup::found) {
    cdb_ = db;
    return st;
  }
  Lines l = control.lines(name);
  if (l.status == Lookup::error) {
    error = control.path(name) + ": " + l.error;
    return Lookup::error;
  }
  for (auto& line : l.lines) lines_.push_back(lower_ascii(trim_blanks(line)));
  return l.status;
}

Lookup ClientList::contains(std::string_view address) const {
  std::string a = lower_ascii(address);
  size_t at = a.rfind('@');
  std::string domain = at == std::string::npos ? std::string() : a.substr(at);
  if (cdb_) {
    for (const std::string& key : {a, domain}) {
      if (key.empty()) continue;
      CdbResult r = cdb_->find(key);
      if (r.status != Lookup::missing) return r.status;
    }
    return Lookup::missing;
  }
  for (const auto& l : lines_)
    if (l == a || (!domain.empty() && l == domain)) return Lookup::found;
  return Lookup::missing;
}

Scope decide_scope(const Config& config, const Env& env, const std::vector<bool>& clam_rcpt,
                   const std::vector<bool>& spam_rcpt) {
  Scope s;
  bool any_clam = config.clamglobal, any_spam = config.spamglobal, all_spam = config.spamglobal;
  if (!config.spamglobal) all_spam = !spam_rcpt.empty();
  for (bool b : clam_rcpt) any_clam = any_clam || b;
  for (bool b : spam_rcpt) {
    any_spam = any_spam || b;
    if (!config.spamglobal) all_spam = all_spam && b;
  }
  bool authenticated = env.authenticated();  // spp-auth's marker: a refused login is not
  auto skipped = [&](unsigned long level) {
    return (level >= 1 && authenticated) || (level >= 2 && env.trusted_client());
  };
  if (any_clam && skipped(config.skipcachk)) {
    any_clam = false;
    s.why_skipped += "virus scan skipped (skipcachk=" + std::to_string(config.skipcachk) + ")";
  }
  if (any_spam && skipped(config.skipsachk)) {
    any_spam = false;
    s.why_skipped += std::string(s.why_skipped.empty() ? "" : ", ") + "spam check skipped (skipsachk=" +
                     std::to_string(config.skipsachk) + ")";
  }
  s.clam = any_clam;
  s.spam = any_spam;
  s.spam_reject_ok = any_spam && all_spam;
  return s;
}

}  // namespace spp::scanq
