#ifndef GRIDWATCH_CMALLOC_SHIM_H
#define GRIDWATCH_CMALLOC_SHIM_H
/* glibc's malloc extensions (malloc_trim, mallopt and its M_ options), which Swift's Glibc module leaves out. */
#include <malloc.h>
#endif
