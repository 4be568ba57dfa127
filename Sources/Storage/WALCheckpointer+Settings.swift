extension WALCheckpointer {
    /// When each side copies, in log pages (SQLite's default page is 4 KiB), and how long the
    /// thread gives way to emergencies.
    public struct Settings: Sendable, Equatable {
        /// The log's length at which the thread copies it. Longer than SQLite's 1,000: a hot
        /// page (the reading index's end for a device) is logged by commit after commit but
        /// copied once per round.
        public var threadPages: Int32
        /// The length at which the writer copies the log itself at every commit, as SQLite's
        /// own checkpoint does: the thread has fallen behind, or a long read holds the log.
        public var writerPages: Int32
        /// How many times the thread copies what was committed during its round before the
        /// writer does it (0: the writer always finishes the round).
        public var finishAttempts: Int
        /// How long after a round begins the thread still waits for emergencies (`urgently`)
        /// and makes again a copy they cut short; after that it copies whatever comes, since in
        /// an alarm storm the log must still be copied (0: it never waits). An emergency's
        /// commits take 1–3 ms and a round 10–30 ms, so 100 ms leaves room for several.
        public var maxStandAsideMs: Int

        public init(threadPages: Int32 = 4096, writerPages: Int32 = 16384, finishAttempts: Int = 3, maxStandAsideMs: Int = 100) {
            self.threadPages = threadPages
            self.writerPages = writerPages
            self.finishAttempts = finishAttempts
            self.maxStandAsideMs = maxStandAsideMs
        }
    }

    /// Copies so far, by who made them: the thread's rounds, its finishing copies (and those
    /// that took everything), the writer finishing a round, the writer past `writerPages`;
    /// and the emergencies' sections (`urgently`), the thread's waits for them and its copies
    /// they cut short.
    public struct Tally: Sendable, Equatable {
        public var threadRounds = 0
        public var threadFinishAttempts = 0
        public var threadFinishes = 0
        public var writerFinishes = 0
        public var writerFallbacks = 0
        public var urgentSections = 0
        public var threadStandAsides = 0
        public var threadCopiesInterrupted = 0

        public init() {}
    }
}
