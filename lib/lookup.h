// lookup: the one answer of every lookup in sppkit — a control file, a cdb
// key, a DNS query, a mailbox. Three outcomes, never two: "missing" is an
// answer (not configured, no such key, NXDOMAIN), "error" is our
// infrastructure failing (unreadable, corrupt, SERVFAIL, timeout) and is never
// turned into a permanent rejection (DESIGN.md §5).
#pragma once

namespace spp {

enum class Lookup { found, missing, error };

}  // namespace spp
