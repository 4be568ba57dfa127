#ifndef GRIDWATCH_CLIBDEFLATE_SHIM_H
#define GRIDWATCH_CLIBDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
