import Gateway
import Testing

/// The service's malloc settings: applied by default, left alone when the operator set glibc's
/// own. The options are recorded, not applied: the test process's heap stays as it is.
@Suite struct HeapSettingsTests {
    final class Recorder {
        var options: [(Int32, Int32)] = []
        func set(_ option: Int32, _ value: Int32) -> Int32 {
            options.append((option, value))
            return 1
        }
    }

    @Test(arguments: [("MALLOC_ARENA_MAX", "4"), ("MALLOC_MMAP_THRESHOLD_", "65536"), ("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")])
    func leavesGlibcToTheOperatorsVariable(_ key: String, _ value: String) {
        let recorder = Recorder()
        #expect(HeapSettings.applyForService(environment: [key: value, "PATH": "/usr/bin"], setOption: recorder.set) == "left to \(key)")
        #expect(recorder.options.isEmpty)
    }

    @Test func appliesTheArenaCapAndAFixedMapThreshold() {
        let recorder = Recorder()
        // Tunables about something else than malloc do not count as the operator's choice.
        let outcome = HeapSettings.applyForService(environment: ["GLIBC_TUNABLES": "glibc.pthread.rseq=0"], setOption: recorder.set)
        #expect(outcome == "arenas capped, map threshold 256 KB")
        #expect(recorder.options.map(\.1) == [HeapSettings.arenaLimit, HeapSettings.mapThresholdBytes])
        #expect(recorder.options.map(\.0) == [-8, -3], "M_ARENA_MAX and M_MMAP_THRESHOLD in glibc's malloc.h")
    }
}
