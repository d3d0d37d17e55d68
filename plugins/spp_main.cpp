// spp: the multi-call plugin binary. Installed as hard links spp-<check> and
// spp-<hook>; see lib/plugin.h and man/spp.8.
#include "plugin.h"

int main(int argc, char** argv, char** envp) { return spp::multicall_main(argc, argv, envp); }
