// sim: the one entry point of the simulator module (tools/sim/, libsppsim.a)
// that spp-conf needs: `spp-conf test`, a scripted SMTP session run through the
// configured smtpplugins as qmail-smtpd with qmail-spp would run it.
// Everything else of the module (session.h, spawn.h, test_cmd.h) stays inside it.
#pragma once

/// `spp-conf test ARGS...`: argv[0] is "test". Exit 0 / 100 bad input / 111 temporary.
int cmd_test(int argc, char** argv);
