import Foundation
@testable import Journal
import Testing

/// The journal: appends come back in order, a torn tail is cut off on reopen, segments rotate
/// and are discarded only once committed.
@Suite struct JournalTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gw-journal-\(UUID().uuidString)").path
    }

    static func append(_ journal: Journal, _ topic: String, _ text: String, at ms: Int64) -> Bool {
        Array(text.utf8).withUnsafeBytes { journal.append(topic: topic, payload: $0, receivedAtMs: ms) }
    }

    @Test func appendedMessagesReadBackInOrder() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(directory: directory)
        for index in 0..<1000 { #expect(Self.append(journal, "t/\(index)", "{\"i\":\(index)}", at: Int64(index))) }
        var reader = JournalReader(journal: journal, from: 0)
        var all: [JournalEntry] = []
        while true {
            let batch = try reader.read(maxCount: 128)
            if batch.isEmpty { break }
            all += batch
        }
        #expect(all.count == 1000)
        #expect(all.map(\.topic) == (0..<1000).map { "t/\($0)" })
        #expect(all[999].payload == Array("{\"i\":999}".utf8))
        #expect(all[999].receivedAtMs == 999)
        #expect(all.last?.endPosition == journal.endPosition)
    }

    @Test func topicsReadBackByteForByte() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(directory: directory)
        let substring = "xx/gridwatch/demo/door/door-1/telemetry".dropFirst(3)
        let topics = ["gridwatch/demo/door/door-1/telemetry", "社区/东苑/设备/门-1/遥测", "a", "", String(substring),
                      String(repeating: "t/", count: 2000)]
        for (index, topic) in topics.enumerated() { #expect(Self.append(journal, topic, "{}", at: Int64(index))) }
        var reader = JournalReader(journal: journal, from: 0)
        let entries = try reader.read(maxCount: 100)
        #expect(entries.map(\.topic) == topics)
        #expect(entries.map { Array($0.topic.utf8) } == topics.map { Array($0.utf8) })
    }

    @Test func stagedMessagesAreInvisibleUntilOneFlushWritesThemAll() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(directory: directory)
        #expect(Self.append(journal, "t/first", "{}", at: 1))
        let before = journal.endPosition
        for index in 0..<50 {
            #expect(Array("{\"i\":\(index)}".utf8).withUnsafeBytes { journal.stage(topic: "t/\(index)", payload: $0, receivedAtMs: Int64(index)) })
        }
        // Nothing staged is on disk (or visible to the consumer) before the flush.
        #expect(journal.endPosition == before)
        var reader = JournalReader(journal: journal, from: 0)
        #expect(try reader.read(maxCount: 100).count == 1)
        #expect(journal.flush())
        #expect(journal.flush(), "an empty flush is fine")
        let rest = try reader.read(maxCount: 100)
        #expect(rest.map(\.topic) == (0..<50).map { "t/\($0)" })
        #expect(rest.last?.endPosition == journal.endPosition)
        // Records written together decode one by one, each with its own checksum, after a reopen too.
        let reopened = try Journal(directory: directory)
        #expect(reopened.endPosition == journal.endPosition)
    }

    @Test func tornTailIsCutOffAndAppendsContinue() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var end: UInt64 = 0
        do {
            let journal = try Journal(directory: directory)
            for index in 0..<10 { _ = Self.append(journal, "t", "message \(index)", at: 1) }
            end = journal.endPosition
        }
        // A crash in the middle of a write leaves half a record behind.
        let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first)
        let handle = try #require(FileHandle(forWritingAtPath: directory + "/" + segment))
        handle.seekToEndOfFile()
        handle.write(Data([40, 0, 0, 0, 1, 2, 3, 4, 5]))
        try handle.close()

        let reopened = try Journal(directory: directory)
        #expect(reopened.endPosition == end)
        #expect(Self.append(reopened, "t", "after restart", at: 2))
        var reader = JournalReader(journal: reopened, from: 0)
        let entries = try reader.read(maxCount: 100)
        #expect(entries.count == 11)
        #expect(entries.last?.payload == Array("after restart".utf8))
    }

    @Test func corruptedRecordIsNotReturned() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let journal = try Journal(directory: directory)
            _ = Self.append(journal, "t", "first", at: 1)
            _ = Self.append(journal, "t", "second", at: 1)
        }
        let path = directory + "/" + (try FileManager.default.contentsOfDirectory(atPath: directory).first ?? "")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reopened = try Journal(directory: directory)
        var reader = JournalReader(journal: reopened, from: 0)
        #expect(try reader.read(maxCount: 10).map { String(decoding: $0.payload, as: UTF8.self) } == ["first"])
    }

    @Test func segmentsRotateAndAreDiscardedOnlyWhenCommitted() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(directory: directory, options: Journal.Options(segmentBytes: 4096))
        let payload = String(repeating: "x", count: 200)
        for _ in 0..<200 { _ = Self.append(journal, "topic", payload, at: 1) }
        let segments = try JournalSegments.list(directory)
        #expect(segments.count > 5)
        var reader = JournalReader(journal: journal, from: 0)
        var read = 0
        while true {
            let batch = try reader.read(maxCount: 7)
            if batch.isEmpty { break }
            read += batch.count
        }
        #expect(read == 200)
        journal.discard(before: segments[3])
        #expect(try JournalSegments.list(directory).first == segments[3])
        journal.discard(before: journal.endPosition)
        #expect(try JournalSegments.list(directory).count == 1)
        // A reader resuming from a committed position in a later segment still works.
        for _ in 0..<50 { _ = Self.append(journal, "topic", payload, at: 2) }
        var resumed = JournalReader(journal: journal, from: reader.position)
        var more = 0
        while true {
            let batch = try resumed.read(maxCount: 9)
            if batch.isEmpty { break }
            more += batch.count
        }
        #expect(more == 50)
    }

    @Test func readerFollowsAWriterThatRotates() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(directory: directory, options: Journal.Options(segmentBytes: 2048))
        var reader = JournalReader(journal: journal, from: 0)
        var total = 0
        for round in 0..<20 {
            for index in 0..<15 { _ = Self.append(journal, "r\(round)", "payload \(index) of round \(round)", at: 1) }
            while true {
                let batch = try reader.read(maxCount: 4)
                if batch.isEmpty { break }
                total += batch.count
            }
        }
        #expect(total == 300)
    }

    @Test func recordsLargerThanTheReadChunkAreRead() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(directory: directory)
        let sizes = [10, 300, 5, 1000, 64, 2]
        for size in sizes { _ = Self.append(journal, "t", String(repeating: "y", count: size), at: 1) }
        var reader = JournalReader(journal: journal, from: 0, chunkBytes: 64)
        var got: [Int] = []
        while true {
            let batch = try reader.read(maxCount: 2)
            if batch.isEmpty { break }
            got += batch.map(\.payload.count)
        }
        #expect(got == sizes)
    }
}
