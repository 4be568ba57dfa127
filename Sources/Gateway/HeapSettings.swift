#if canImport(CMalloc)
import CMalloc
#endif
import Foundation

/// glibc malloc settings for the long-running service, applied before its threads start.
///
/// By default glibc gives each thread that allocates while another holds an arena a new arena
/// of its own (up to eight per core), and pages freed in one arena never serve another: the
/// MQTT network thread, the ingest thread, the ticket office and NIO's threads each keep a
/// heap. Blocks above a threshold are mapped on their own, but glibc raises that threshold
/// each time such a block is freed, so the large buffers of a busy start (inventory, rule state,
/// batches) end up inside the arenas too and keep their pages after being freed.
///
/// Measured at 100,000 devices (`bench/ingest --devices 100000 --phase b`, one run each, in
/// turn): peak RSS 389 MB with glibc's defaults; 296–310 MB with one arena; 318–320 MB with a
/// fixed 256 KB map threshold; 294 MB with both. The stored rate and CPU per message did not
/// move beyond the runs' noise (2 cores, where the arenas' lock is rarely contended).
public enum HeapSettings {
    /// One arena: every thread's frees serve every thread's allocations.
    public static let arenaLimit: Int32 = 1
    /// Blocks of this size or more get pages of their own, returned to the system when freed.
    public static let mapThresholdBytes: Int32 = 256 << 10

    /// Applies the settings unless the operator tuned glibc through its own environment
    /// variables (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`, `GLIBC_TUNABLES`), which then win.
    /// Returns what it did, for the start log.
    @discardableResult
    public static func applyForService(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let operatorKeys = ["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES"]
        if let key = operatorKeys.first(where: { environment[$0] != nil }) { return "left to \(key)" }
        #if canImport(CMalloc)
        let arenas = mallopt(M_ARENA_MAX, arenaLimit) == 1
        let threshold = mallopt(M_MMAP_THRESHOLD, mapThresholdBytes) == 1
        return "arenas \(arenas ? "\(arenaLimit)" : "unchanged"), map threshold \(threshold ? "\(mapThresholdBytes >> 10) KB" : "unchanged")"
        #else
        return "unchanged (no glibc)"
        #endif
    }
}
