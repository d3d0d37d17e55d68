// test_cmd: `spp-conf test` — build a session (flags or session file), run it
// through the simulated qmail-smtpd (session.h) in the qmail home, print the
// transcript. See test_cmd.h and spp-conf(8).
#include "test_cmd.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

#include "env.h"
#include "escape.h"
#include "exitcode.h"
#include "file.h"
#include "session.h"
#include "text.h"


namespace spp::sim {

namespace {

using exitcode::ok, exitcode::bad_input, exitcode::temporary;
constexpr size_t kMaxSessionFile = 16 << 20;
const char kDefaultMessage[] = "Subject: spp-conf test\n\nspp-conf test message\n";

const char kUsage[] =
    "usage: spp-conf test [options] [SESSION-FILE | -]\n"
    "  session from flags, in order (QUIT is appended):\n"
    "    --helo H  --ehlo H  --from ADDR  --rcpt ADDR  --data  --body FILE\n"
    "    --rset  --noop  --cmd LINE  --auth USER[:METHOD]  --quit\n"
    "  connection: --ip A.B.C.D (TCPREMOTEIP)  --env NAME=VALUE  --unset NAME\n"
    "  simulator:  --qmaildir DIR  --queue PROG  --timeout SECS  --variant notqmail|netqmail\n"
    "              -v (show each plugin run)  --raw (server bytes only)\n"
    "              --dump-session (print environment and steps, run nothing)\n";

int usage(const char* complaint, const std::string& detail = "") {
  if (complaint) std::fprintf(stderr, "spp-conf test: fatal: %s%s\n", complaint, detail.c_str());
  std::fputs(kUsage, stderr);
  return bad_input;
}

bool starts_with_nocase(const std::string& s, const char* word) {
  size_t n = std::strlen(word);
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != word[i]) return false;
  return s.size() == n || s[n] == ' ';
}

// A session or body file ("-" = stdin); 0, or the exit code with `error` set.
int read_whole(const std::string& path, std::string& out, std::string& error) {
  int err = path == "-" ? spp::read_fd(0, out, kMaxSessionFile) : spp::read_file(path, out, kMaxSessionFile);
  if (err == 0) return ok;
  error = path + ": " + (err == EFBIG ? "larger than 16 MiB" : spp::file_error(err));
  // A missing, huge or non-regular file (a directory) is the caller's mistake, not a passing fault.
  bool mistake = err == ENOENT || err == EFBIG || err == EISDIR || err == spp::kNotRegularFile;
  return mistake ? bad_input : temporary;
}

// Lines of a session or body file; a DOS editor's CR is dropped.
std::vector<std::string> text_lines(std::string_view text) {
  std::vector<std::string> lines;
  for (std::string_view line : split_lines(text)) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
  }
  return lines;
}

bool valid_env_entry(const std::string& entry) {
  size_t eq = entry.find('=');
  return eq != std::string::npos && eq > 0 && entry.find('\0') == std::string::npos;
}

void add_auth_step(Script& script, const std::string& user, const std::string& method) {
  Step s;
  s.kind = Step::Kind::auth;
  s.line = user;
  s.method = method.empty() ? "plain" : method;
  script.steps.push_back(s);
}

}  // namespace

bool parse_session(const std::string& text, Script& script, std::string& error) {
  std::vector<std::string> lines = text_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    std::string where = "line " + std::to_string(i + 1) + ": ";
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '@') {
      size_t sp = std::min(line.find(' '), line.size());
      std::string word = line.substr(0, sp);
      size_t start = std::min(line.find_first_not_of(' ', sp), line.size());
      std::string arg = line.substr(start);
      if (word == "@auth") {
        size_t sp2 = arg.find(' ');
        std::string user = arg.substr(0, sp2);
        if (user.empty()) return error = where + "@auth needs a user", false;
        add_auth_step(script, user, sp2 == std::string::npos ? "" : arg.substr(sp2 + 1));
        continue;
      }
      // The environment is qmail-smtpd's start-up environment: it can't change mid-session.
      if (!script.steps.empty()) return error = where + word + " must come before the first command", false;
      if (word == "@ip") {
        if (arg.empty()) return error = where + "@ip needs an address", false;
        script.env.push_back("TCPREMOTEIP=" + arg);
      } else if (word == "@env") {
        if (!valid_env_entry(arg)) return error = where + "@env needs NAME=value", false;
        script.env.push_back(arg);
      } else if (word == "@unset") {
        if (arg.empty()) return error = where + "@unset needs a name", false;
        script.env.push_back("-" + arg);
      } else {
        return error = where + "unknown directive " + word, false;
      }
      continue;
    }
    Step step;
    step.line = line;
    if (starts_with_nocase(line, "data")) {
      for (++i; i < lines.size(); ++i) {
        step.body.push_back(lines[i]);
        if (lines[i] == ".") break;
      }
      if (step.body.empty() || step.body.back() != ".")
        return error = where + "DATA body not ended by a line with a single \".\"", false;
    }
    script.steps.push_back(step);
  }
  return true;
}

std::vector<std::string> body_from_text(const std::string& text) {
  std::vector<std::string> body;
  for (std::string& line : text_lines(text)) body.push_back(line[0] == '.' ? "." + line : line);
  body.push_back(".");
  return body;
}

std::string escape_line(const std::string& bytes) { return escape_bytes(bytes); }

std::vector<std::string> server_lines(const std::string& bytes) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t end = bytes.find("\r\n", pos);
    if (end == std::string::npos) {
      lines.push_back("S: " + escape_line(bytes.substr(pos)) + " [no CRLF]");
      break;
    }
    lines.push_back("S: " + escape_line(bytes.substr(pos, end - pos)));
    pos = end + 2;
  }
  return lines;
}

namespace {

struct Options {
  std::string qmaildir, queue, session_file;
  int timeout = 0;
  Variant variant = Variant::notqmail;
  bool verbose = false, raw = false, dump = false, flag_steps = false;
};

// Flags that take a value; the rest are switches.
bool takes_value(const std::string& f) {
  static const char* const with[] = {"--qmaildir", "--queue", "--timeout", "--variant", "--ip", "--env",
                                     "--unset", "--helo", "--ehlo", "--from", "--rcpt", "--body",
                                     "--cmd", "--auth"};
  for (const char* w : with)
    if (f == w) return true;
  return false;
}

constexpr int kNotMine = -2;  // a flag parser's answer: someone else's flag

// --qmaildir --queue --timeout --variant -v --raw --dump-session
int simulator_flag(const std::string& f, const std::string& v, Options& o) {
  if (f == "--qmaildir") o.qmaildir = v;
  else if (f == "--queue") o.queue = v;
  else if (f == "--timeout") {
    char* end = nullptr;
    long t = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || t < 0 || t > 86400) return usage("bad --timeout ", v);
    o.timeout = static_cast<int>(t);
  } else if (f == "--variant") {
    if (v == "notqmail") o.variant = Variant::notqmail;
    else if (v == "netqmail") o.variant = Variant::netqmail;
    else return usage("bad --variant ", v);
  } else if (f == "-v" || f == "--verbose") o.verbose = true;
  else if (f == "--raw") o.raw = true;
  else if (f == "--dump-session") o.dump = true;
  else return kNotMine;
  return ok;
}

// The session from flags: connection settings and client steps, in order.
int session_flag(const std::string& f, const std::string& v, Options& o, Script& script) {
  auto step = [&](const std::string& line) {
    Step s;
    s.line = line;
    script.steps.push_back(s);
    o.flag_steps = true;
  };
  if (f == "--ip") script.env.push_back("TCPREMOTEIP=" + v);
  else if (f == "--env") {
    if (!valid_env_entry(v)) return usage("--env needs NAME=VALUE: ", v);
    script.env.push_back(v);
  } else if (f == "--unset") script.env.push_back("-" + v);
  else if (f == "--helo") step("HELO " + v);
  else if (f == "--ehlo") step("EHLO " + v);
  else if (f == "--from") step("MAIL FROM:<" + v + ">");
  else if (f == "--rcpt") step("RCPT TO:<" + v + ">");
  else if (f == "--cmd") {
    step(v);
    if (starts_with_nocase(v, "data")) script.steps.back().body = body_from_text(kDefaultMessage);
  }
  else if (f == "--rset") step("RSET");
  else if (f == "--noop") step("NOOP");
  else if (f == "--quit") step("QUIT");
  else if (f == "--data" || f == "--body") {
    std::string text = kDefaultMessage;
    if (f == "--body") {
      text.clear();
      std::string error;
      if (int rc = read_whole(v, text, error)) {
        std::fprintf(stderr, "spp-conf test: fatal: %s\n", error.c_str());
        return rc;
      }
    }
    step("DATA");
    script.steps.back().body = body_from_text(text);
  } else if (f == "--auth") {
    size_t colon = v.find(':');
    add_auth_step(script, v.substr(0, colon), colon == std::string::npos ? "" : v.substr(colon + 1));
    o.flag_steps = true;
  } else return kNotMine;
  return ok;
}

// Returns ok, -1 after --help, or the exit code of a usage error.
int parse_args(int argc, char** argv, Options& o, Script& script) {
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    std::string v;
    bool inline_value = false;
    if (f.size() > 2 && f.compare(0, 2, "--") == 0 && f.find('=') != std::string::npos &&
        takes_value(f.substr(0, f.find('=')))) {
      v = f.substr(f.find('=') + 1);
      f = f.substr(0, f.find('='));
      inline_value = true;
    }
    if (!inline_value && takes_value(f)) {
      if (i + 1 >= argc) return usage("missing value for ", f);
      v = argv[++i];
    }
    int rc = simulator_flag(f, v, o);
    if (rc == kNotMine) rc = session_flag(f, v, o, script);
    if (rc != kNotMine) {
      if (rc != ok) return rc;
    } else if (f == "-h" || f == "--help") {
      std::fputs(kUsage, stdout);
      return -1;
    } else if (f == "-" || f[0] != '-') {
      if (!o.session_file.empty()) return usage("more than one session file");
      o.session_file = f;
    } else {
      return usage("unknown option ", f);
    }
  }
  return ok;
}

// The environment qmail-smtpd starts with: ours, then what tcpserver sets for a
// loopback connection, then the session's own settings.
Environ connection_environment(const Script& script) {
  Environ env = Environ::from_process();
  env.put("PROTO", "TCP");
  env.put("TCPLOCALIP", "127.0.0.1");
  env.put("TCPLOCALPORT", "25");
  env.put("TCPREMOTEIP", "127.0.0.1");
  env.put("TCPREMOTEPORT", "49152");
  for (const char* gone : {"TCPLOCALHOST", "TCPREMOTEHOST", "TCPREMOTEINFO"}) env.unset(gone);
  for (const std::string& e : script.env) {
    if (e[0] == '-') env.unset(e.substr(1));
    else env.put(e);
  }
  return env;
}

void print_lines(const std::vector<std::string>& lines) {
  for (const std::string& l : lines) std::printf("%s\n", l.c_str());
}

// The environment escaped like the transcript (a value with a LF is shown, never
// dropped); steps raw, since tests/lib/qmail-smtpd.sh replays them byte for byte
// (a session line never holds a LF).
void dump_session(const Environ& env, const Script& script) {
  for (const std::string& e : env.entries()) std::printf("env %s\n", escape_line(e).c_str());
  for (const Step& s : script.steps) {
    if (s.kind == Step::Kind::auth) {
      std::printf("auth %s %s\n", s.line.c_str(), s.method.c_str());
      continue;
    }
    std::printf("cmd %s\n", s.line.c_str());
    for (const std::string& b : s.body) std::printf("body %s\n", b.c_str());
  }
}

// Runs the steps like a client that waits for each reply, sends a DATA body only
// after 354, and stops when the server hangs up.
void run_session(Server& server, const Script& script, bool raw) {
  auto show = [&](void) {
    std::string bytes = server.take_output();
    if (raw) std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    else print_lines(server_lines(bytes));
    std::fflush(stdout);
  };
  auto client = [&](const std::string& line) {
    if (!raw) std::printf("C: %s\n", escape_line(line).c_str());
    std::fflush(stdout);  // before plugins write to the shared stderr
  };
  server.connect();
  show();
  for (const Step& s : script.steps) {
    if (server.closed()) break;
    if (s.kind == Step::Kind::auth) {
      client("AUTH " + s.method + " (simulated: user " + s.line + ")");
      server.auth(s.line, s.method);
      show();
      continue;
    }
    client(s.line);
    server.command(s.line);
    show();
    if (server.wants_body() && !s.body.empty()) {
      std::string wire;
      for (const std::string& b : s.body) {
        client(b);
        wire += b + "\r\n";
      }
      server.body(wire);
      show();
    }
  }
  if (server.closed() && !raw) std::printf("-- connection closed by server\n");
}

}  // namespace

}  // namespace spp::sim

int cmd_test(int argc, char** argv) {
  using namespace spp::sim;
  Options o;
  Script script;
  int rc = parse_args(argc, argv, o, script);
  if (rc == -1) return ok;
  if (rc) return rc;
  if (!o.session_file.empty()) {
    if (o.flag_steps) return usage("give either a session file or session flags, not both");
    std::string text, error;
    if (int r = read_whole(o.session_file, text, error)) {
      std::fprintf(stderr, "spp-conf test: fatal: %s\n", error.c_str());
      return r;
    }
    Script from_file;
    if (!parse_session(text, from_file, error)) {
      std::fprintf(stderr, "spp-conf test: fatal: %s: %s\n", o.session_file.c_str(), error.c_str());
      return bad_input;
    }
    // Flags like --env/--ip apply after the file's own settings.
    from_file.env.insert(from_file.env.end(), script.env.begin(), script.env.end());
    script = from_file;
  } else if (o.flag_steps) {
    Step quit;
    quit.line = "QUIT";
    if (script.steps.back().line != "QUIT") script.steps.push_back(quit);
  } else {
    return usage("no session: give a session file or flags such as --helo/--from/--rcpt");
  }
  if (!o.queue.empty()) script.env.push_back("QMAILQUEUE=" + o.queue);

  Environ env = connection_environment(script);
  if (o.dump) {
    dump_session(env, script);
    return ok;
  }

  std::string home = o.qmaildir;
  if (home.empty()) home = spp::qmail_home(spp::Env::from_environ(environ), spp::kBuiltQmailHome);
  if (chdir(home.c_str()) == -1) {
    std::fprintf(stderr, "spp-conf test: fatal: unable to chdir to %s: %s\n", home.c_str(), std::strerror(errno));
    return errno == ENOENT ? bad_input : temporary;
  }

  ServerOptions so;
  so.variant = o.variant;
  so.timeout_secs = o.timeout;
  so.queue_program = o.queue;
  so.trace = o.verbose ? stdout : nullptr;
  Server server(env, so);
  run_session(server, script, o.raw);
  return std::fflush(stdout) == 0 ? ok : temporary;
}
