// session_spp: the qmail-spp 0.42 core of the simulated qmail-smtpd — run a
// section's plugins one after the other and act on what they print
// (reference/qmail-spp.md §4-§8). The SMTP side is in session.cpp.
#include <cstdio>

#include "session.h"

namespace spp::sim {

bool Server::spp_errors(std::string& queue) {
  if (queue.empty()) return true;
  out(queue);  // the queue stays: only RSET and a finished DATA clear it
  return false;
}

void Server::spp_rset() {
  sppheaders_.clear();
  error_mail_.clear();
  error_rcpt_.clear();
  error_data_.clear();
  rcptcount_ = rcptcountall_ = 0;
}

// One output line of a plugin (terminal letters only end the output: see spp()).
void Server::apply_line(const std::string& line, const char* addrenv) {
  std::string_view rest = std::string_view(line).substr(1);
  switch (line[0]) {
    case 'H':
      sppheaders_.append(rest.data(), rest.size());
      sppheaders_ += '\n';
      break;
    case 'C':  // only where there is an address (MAIL, RCPT); no syntax check
      if (addrenv) {
        addr_ = until_nul(rest);
        env_.put(addrenv, addr_);
      }
      break;
    case 'S': {
      std::string entry = until_nul(rest);
      if (entry.compare(0, 11, "QMAILQUEUE=") == 0 && !queue_program_.empty()) queue_program_freed_ = true;
      env_.put(entry);
      break;
    }
    case 'U':
      if (until_nul(rest) == "QMAILQUEUE" && !queue_program_.empty()) queue_program_freed_ = true;
      env_.unset(until_nul(rest));
      break;
    case 'A': spprun_ = false; break;
    case 'E':
    case 'R':
    case 'P':
      out(rest);
      out("\r\n");
      break;
    case 'L':
      if (line.size() >= 2) {
        std::string* queue = line[1] == 'M' ? &error_mail_ : line[1] == 'R' ? &error_rcpt_
                           : line[1] == 'D' ? &error_data_ : nullptr;
        if (queue) {
          queue->append(line, 2, std::string::npos);
          *queue += "\r\n";
        }
      }
      break;
    default: break;  // anything else is ignored, O/N/D only end the output
  }
}

void Server::trace_run(const char* section, const std::string& entry, const PluginRun& run) {
  if (!opt_.trace) return;
  std::fprintf(opt_.trace, "V: [%s] %s\n", section, entry.c_str());
  for (const std::string& e : env_.entries())
    if (e.compare(0, 4, "SMTP") == 0) std::fprintf(opt_.trace, "V:   env %s\n", e.c_str());
  for (const std::string& line : run.lines) std::fprintf(opt_.trace, "V:   out %s\n", until_nul(line).c_str());
  if (!run.spawn_error.empty())
    std::fprintf(opt_.trace, "V:   %s\n", run.spawn_error.c_str());
  else if (run.timed_out)
    std::fprintf(opt_.trace, "V:   killed after --timeout\n");
  else if (run.signal)
    std::fprintf(opt_.trace, "V:   killed by signal %d\n", run.signal);
  else
    std::fprintf(opt_.trace, "V:   exit %d\n", run.exit_code);
  std::fflush(opt_.trace);
}

// spp(): run a section's plugins in order. 0 = the command is rejected (a reply
// was printed), 1 = go on, 2 = go on but skip qmail's own check. R and D close.
int Server::spp(const std::vector<std::string>& plugins, const char* addrenv, const char* section) {
  if (!spprun_) return 1;
  if (addrenv) env_.put(addrenv, addr_);
  for (const std::string& entry : plugins) {
    auto err_spp = [&](const char* why) {
      out("451 qmail-spp failure: " + entry + ": " + why + " (#4.3.0)\r\n");
      return 0;
    };
    PluginRun run = run_plugin(entry, env_.entries(), opt_.timeout_secs);
    trace_run(section, entry, run);
    if (!run.spawn_error.empty()) return err_spp(run.spawn_error.c_str());
    char terminal = 0;
    for (const std::string& line : run.lines) {
      apply_line(line, addrenv);
      if (is_terminal(line)) terminal = line[0];
    }
    // Output already applied stays applied: E then a crash gives two replies.
    if (run.timed_out)
      std::fprintf(stderr, "spp-conf: warning: %s killed after %d s (--timeout)\n", entry.c_str(),
                   opt_.timeout_secs);
    if (run.signal) return err_spp("child crashed");
    if (run.exit_code == 120) return err_spp("can't execute");
    switch (terminal) {
      case 'E': return 0;
      case 'A':
      case 'N': return 1;
      case 'O': return 2;
      case 'R':
      case 'D': close_connection(); return 0;
      default: break;
    }
  }
  return 1;
}

}  // namespace spp::sim
