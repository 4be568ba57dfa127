#include <sqlite3.h>
#include "CSQLiteSettings.h"

int gridwatch_sqlite_memory_statistics_off(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
