// libclamav: the in-process virus scanner (scanq_backend=libclamav). Every
// message pays the database load and compile, so it is meant for small
// signature sets only (qmail-scanq(8) states the measured cost).
#include <clamav.h>

#include "scanq.h"
#include "text.h"

namespace spp::scanq {

namespace {

struct Engine {
  cl_engine* e = nullptr;
  ~Engine() {
    if (e) cl_engine_free(e);
  }
};

}  // namespace

ClamReply scan_libclamav(const std::string& dbdir, const Spool& message) {
  ClamReply r;
  cl_error_t rc = cl_init(CL_INIT_DEFAULT);
  if (rc != CL_SUCCESS) return r.detail = std::string("cl_init: ") + cl_strerror(rc), r;
  Engine engine;
  engine.e = cl_engine_new();
  if (!engine.e) return r.detail = "cl_engine_new failed", r;
  unsigned int sigs = 0;
  std::string dir = dbdir.empty() ? cl_retdbdir() : dbdir;
  rc = cl_load(dir.c_str(), engine.e, &sigs, CL_DB_STDOPT);
  if (rc != CL_SUCCESS) return r.detail = "cl_load " + dir + ": " + cl_strerror(rc), r;
  if (sigs == 0) return r.detail = "no signatures in " + dir, r;
  rc = cl_engine_compile(engine.e);
  if (rc != CL_SUCCESS) return r.detail = std::string("cl_engine_compile: ") + cl_strerror(rc), r;
  struct cl_scan_options options {};
  options.parse = ~0u;  // every parser: archives, mail, PE, ...
  const char* virname = nullptr;
  unsigned long scanned = 0;
  if (message.in_memory()) {
    cl_fmap_t* map = cl_fmap_open_memory(message.memory().data(), message.memory().size());
    if (!map) return r.detail = "cl_fmap_open_memory failed", r;
    rc = cl_scanmap_callback(map, "message", &virname, &scanned, engine.e, &options, nullptr);
    cl_fmap_close(map);
  } else {
    rc = cl_scandesc(message.fd(), "message", &virname, &scanned, engine.e, &options);
  }
  if (rc == CL_CLEAN) {
    r.status = ClamStatus::clean;
  } else if (rc == CL_VIRUS) {
    r.status = ClamStatus::virus;
    r.detail = printable(virname ? virname : "unknown", 200, EightBit::replace);
  } else {
    r.detail = std::string("cl_scan: ") + cl_strerror(rc);
  }
  return r;
}

}  // namespace spp::scanq
