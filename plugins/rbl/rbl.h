// PLACEHOLDER — replaced by the RBL check.
#pragma once
#include "plugin.h"
namespace spp::rbl {
extern const Check check;
}
