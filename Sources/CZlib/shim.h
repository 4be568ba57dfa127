#ifndef GRIDWATCH_CZLIB_SHIM_H
#define GRIDWATCH_CZLIB_SHIM_H
#include <zlib.h>
#endif
