// log: one line per event on stderr, which qmail-smtpd passes to the service log.
// stdout is reserved for qmail-spp commands. Every line starts with the program
// name ("spp-rbl: ..."), set once per process or per check by the entry points.
#pragma once

#include <string_view>

namespace spp::log {

/// The prefix of every line, e.g. "spp-tarpit". Not copied: pass a string literal.
void set_program(const char* name);
const char* program();

/// "spp-x: info: ..." / "warning:" / "error:" — each a single write().
void info(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);

/// Redirects output (tests); fd < 0 restores stderr.
void set_fd(int fd);

}  // namespace spp::log
