import CSQLiteSettings

/// SQLite settings that hold for the whole process and can be made only before its first
/// connection opens: `gridwatch run` applies them first thing, and `GatewayDatabase` before it
/// opens a file (whichever comes first; later the library refuses them and nothing changes).
public enum SQLiteProcessSettings {
    /// SQLite's statistics of its own memory use, which nothing here reads, cost a process-wide
    /// mutex taken and released around every allocation and free it makes: on the ingest
    /// thread's commits that lock was ~2 % of gridwatch's CPU samples (perf, 300,000 messages).
    /// SQLite's documentation lists turning them off among the settings that make it faster.
    /// True when SQLite took the setting.
    public static let memoryStatisticsOff: Bool = gridwatch_sqlite_memory_statistics_off() == 0
}
