#ifndef GRIDWATCH_CSQLITESETTINGS_H
#define GRIDWATCH_CSQLITESETTINGS_H
/* Process-wide SQLite settings Swift cannot make itself: sqlite3_config is variadic. */

/* Stops SQLite keeping statistics of its memory use (SQLITE_CONFIG_MEMSTATUS 0). Returns
 * SQLite's result: SQLITE_OK (0), or SQLITE_MISUSE once the library is initialised (a
 * connection has been opened), when it changes nothing. */
int gridwatch_sqlite_memory_statistics_off(void);

#endif
