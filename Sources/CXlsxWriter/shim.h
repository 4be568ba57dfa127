#ifndef GRIDWATCH_CXLSXWRITER_SHIM_H
#define GRIDWATCH_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
