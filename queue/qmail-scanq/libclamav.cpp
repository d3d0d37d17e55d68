// libclamav: the in-process virus scanner (scanq_backend=libclamav). Every
// message pays loading the library, the database and compiling it, so it is
// meant for small signature sets only (qmail-scanq(8) states the measured
// cost). The library is opened with dlopen only for this backend: linked in,
// libclamav and its dependencies would cost every qmail-scanq run ~100 ms of
// start-up, clamd users included.
#include <clamav.h>
#include <dlfcn.h>

#include "scanq.h"
#include "text.h"

namespace spp::scanq {

namespace {

// The functions we use, looked up by name; types from clamav.h.
struct Api {
  decltype(&cl_init) init = nullptr;
  decltype(&cl_engine_new) engine_new = nullptr;
  decltype(&cl_engine_free) engine_free = nullptr;
  decltype(&cl_load) load = nullptr;
  decltype(&cl_engine_compile) compile = nullptr;
  decltype(&cl_retdbdir) retdbdir = nullptr;
  decltype(&cl_strerror) strerror = nullptr;
  decltype(&cl_scandesc) scandesc = nullptr;
  decltype(&cl_fmap_open_memory) fmap_open_memory = nullptr;
  decltype(&cl_fmap_close) fmap_close = nullptr;
  decltype(&cl_scanmap_callback) scanmap = nullptr;
};

template <class F>
bool sym(void* lib, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(lib, name));
  return out != nullptr;
}

const char* open_api(Api& a) {
  void* lib = dlopen("libclamav.so.12", RTLD_NOW | RTLD_LOCAL);
  if (!lib) lib = dlopen("libclamav.so", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return "cannot load libclamav (dlopen libclamav.so.12)";
  bool ok = sym(lib, "cl_init", a.init) && sym(lib, "cl_engine_new", a.engine_new) &&
            sym(lib, "cl_engine_free", a.engine_free) && sym(lib, "cl_load", a.load) &&
            sym(lib, "cl_engine_compile", a.compile) && sym(lib, "cl_retdbdir", a.retdbdir) &&
            sym(lib, "cl_strerror", a.strerror) && sym(lib, "cl_scandesc", a.scandesc) &&
            sym(lib, "cl_fmap_open_memory", a.fmap_open_memory) && sym(lib, "cl_fmap_close", a.fmap_close) &&
            sym(lib, "cl_scanmap_callback", a.scanmap);
  return ok ? nullptr : "libclamav lacks a function qmail-scanq needs";
}

}  // namespace

ClamReply scan_libclamav(const std::string& dbdir, const Spool& message) {
  ClamReply r;
  Api cl;
  if (const char* why = open_api(cl)) return r.detail = why, r;
  cl_error_t rc = cl.init(CL_INIT_DEFAULT);
  if (rc != CL_SUCCESS) return r.detail = std::string("cl_init: ") + cl.strerror(rc), r;
  cl_engine* engine = cl.engine_new();
  if (!engine) return r.detail = "cl_engine_new failed", r;
  struct Free {
    Api& cl;
    cl_engine* e;
    ~Free() { cl.engine_free(e); }
  } free_engine{cl, engine};
  unsigned int sigs = 0;
  std::string dir = dbdir.empty() ? cl.retdbdir() : dbdir;
  rc = cl.load(dir.c_str(), engine, &sigs, CL_DB_STDOPT);
  if (rc != CL_SUCCESS) return r.detail = "cl_load " + dir + ": " + cl.strerror(rc), r;
  if (sigs == 0) return r.detail = "no signatures in " + dir, r;
  rc = cl.compile(engine);
  if (rc != CL_SUCCESS) return r.detail = std::string("cl_engine_compile: ") + cl.strerror(rc), r;
  struct cl_scan_options options {};
  options.parse = ~0u;  // every parser: archives, mail, PE, ...
  const char* virname = nullptr;
  unsigned long scanned = 0;
  if (message.in_memory()) {
    cl_fmap_t* map = cl.fmap_open_memory(message.memory().data(), message.memory().size());
    if (!map) return r.detail = "cl_fmap_open_memory failed", r;
    rc = cl.scanmap(map, "message", &virname, &scanned, engine, &options, nullptr);
    cl.fmap_close(map);
  } else {
    rc = cl.scandesc(message.fd(), "message", &virname, &scanned, engine, &options);
  }
  if (rc == CL_CLEAN) {
    r.status = ClamStatus::clean;
  } else if (rc == CL_VIRUS) {
    r.status = ClamStatus::virus;
    r.detail = printable(virname ? virname : "unknown", 200, EightBit::replace);
  } else {
    r.detail = std::string("cl_scan: ") + cl.strerror(rc);
  }
  return r;
}

}  // namespace spp::scanq
