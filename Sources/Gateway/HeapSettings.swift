#if canImport(CMalloc)
import CMalloc
#endif
import Foundation

/// glibc malloc settings for the long-running service, applied as `gridwatch run` begins.
///
/// glibc gives each new thread an arena of its own on its first allocation (up to eight per
/// core), and pages freed in one arena never serve another: the MQTT network thread, the
/// ingest thread, the ticket office and NIO's threads each kept a heap. Blocks above a threshold
/// are mapped on their own, but glibc raises that threshold each time such a block is freed, so
/// the large buffers of a busy start (inventory, rule state, batches) ended up inside the arenas
/// and kept their pages after being freed.
///
/// The arena cap applies to arenas made after it: when `run` begins, ArgumentParser's async
/// entry has already started the concurrency runtime, and glibc has three arenas (seen in gdb),
/// which every later thread then shares.
///
/// Measured at 100,000 devices (`bench/ingest --devices 100000 --phase b`, one run each, in
/// turn): peak RSS 389 MB with glibc's defaults; 296–310 MB with `MALLOC_ARENA_MAX=1` (one
/// arena from the start); 318–320 MB with a fixed 256 KB map threshold; 294 MB with both; and
/// with these settings as applied here 270–305 MB in twelve runs. The stored rate and CPU per
/// message did not move beyond the runs' noise (2 cores, where the arenas' lock is rarely contended).
public enum HeapSettings {
    /// No new arenas: threads started from now on share the ones already made.
    public static let arenaLimit: Int32 = 1
    /// Blocks of this size or more get pages of their own, returned to the system when freed.
    public static let mapThresholdBytes: Int32 = 256 << 10

    /// Applies the settings unless the operator tuned glibc's malloc through its own environment
    /// (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`, or `GLIBC_TUNABLES` naming `glibc.malloc.`),
    /// which then wins. `setOption` is glibc's `mallopt` (tests pass their own). Returns what it
    /// did, for the start log.
    @discardableResult
    public static func applyForService(environment: [String: String] = ProcessInfo.processInfo.environment,
                                       setOption: (Int32, Int32) -> Int32 = HeapSettings.systemSetOption) -> String {
        if let key = ["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"].first(where: { environment[$0] != nil }) { return "left to \(key)" }
        if environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.") == true { return "left to GLIBC_TUNABLES" }
        #if canImport(CMalloc)
        let arenas = setOption(M_ARENA_MAX, arenaLimit) == 1
        let threshold = setOption(M_MMAP_THRESHOLD, mapThresholdBytes) == 1
        return "arenas \(arenas ? "capped" : "unchanged"), map threshold \(threshold ? "\(mapThresholdBytes >> 10) KB" : "unchanged")"
        #else
        return "unchanged (no glibc)"
        #endif
    }

    /// glibc's `mallopt`.
    public static func systemSetOption(_ option: Int32, _ value: Int32) -> Int32 {
        #if canImport(CMalloc)
        mallopt(option, value)
        #else
        0
        #endif
    }
}
