import Gateway
import Testing

/// The service's malloc settings: applied by default, left alone when the operator set glibc's own.
@Suite struct HeapSettingsTests {
    @Test(arguments: ["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES"])
    func leavesGlibcToTheOperatorsVariable(_ key: String) {
        #expect(HeapSettings.applyForService(environment: [key: "4", "PATH": "/usr/bin"]) == "left to \(key)")
    }

    @Test func appliesOneArenaAndAFixedMapThreshold() {
        // glibc accepts both settings (mallopt answers 1); they only bound later arenas and blocks.
        #expect(HeapSettings.applyForService(environment: ["PATH": "/usr/bin"]) == "arenas 1, map threshold 256 KB")
    }
}
