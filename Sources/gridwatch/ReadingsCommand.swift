import ArgumentParser
import Devices
import Foundation
import Storage

/// `gridwatch readings count|list`.
struct ReadingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "readings", abstract: "Stored readings.", subcommands: [Count.self, List.self])

    struct Count: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the number of stored readings.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this device.") var device: String?

        func run() throws { print(try store.openDatabase().readingCount(device: device)) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a device's newest readings, oldest first.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Device id.") var device: String
        @Option(help: "How many.") var limit: Int = 100
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let readings = try store.openDatabase().readings(device: device, limit: limit)
            for reading in readings {
                let payload = (try? JSONParser.parse(Array(reading.payload.utf8))) ?? .string(reading.payload)
                switch format {
                case .json:
                    print(JSONValue.object([
                        "device": .string(reading.deviceID), "received_at": TimeText.format(milliseconds: reading.receivedAtMs),
                        "device_time": TimeText.format(milliseconds: reading.deviceTimeMs), "device_time_trusted": .bool(reading.deviceTimeTrusted),
                        "seq": reading.seq.map { .int($0) } ?? .null, "flags": .array(reading.flags.map { .string($0) }), "payload": payload,
                    ]).jsonText)
                case .text:
                    let flags = reading.flags.isEmpty ? "" : "\t[" + reading.flags.joined(separator: ",") + "]"
                    print("\(TimeText.text(milliseconds: reading.receivedAtMs))\t\(reading.payload)\(flags)")
                }
            }
        }
    }
}

/// `gridwatch rejected list`.
struct RejectedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rejected", abstract: "Messages that were not stored as readings, with the reason.",
                                                    subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the newest rejected messages, oldest first.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this reason (e.g. not_json, unknown_device).") var reason: String?
        @Option(help: "How many.") var limit: Int = 100
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let database = try store.openDatabase()
            let rejections = try database.rejections(reason: reason, limit: limit)
            for rejection in rejections {
                let preview = String(decoding: rejection.payloadPrefix, as: UTF8.self)
                switch format {
                case .json:
                    print(JSONValue.object([
                        "topic": .string(rejection.topic), "reason": .string(rejection.reason), "detail": .string(rejection.detail),
                        "received_at": TimeText.format(milliseconds: rejection.receivedAtMs),
                        "device": rejection.deviceID.map { .string($0) } ?? .null, "payload_size": .int(Int64(rejection.payloadSize)),
                        "payload_preview": .string(preview), "payload_b64": .string(Data(rejection.payloadPrefix).base64EncodedString()),
                    ]).jsonText)
                case .text:
                    print("\(TimeText.text(milliseconds: rejection.receivedAtMs))\t\(rejection.reason)\t\(rejection.topic)\t\(rejection.detail)")
                }
            }
            if format == .text {
                let counts = try database.rejectionCounts()
                if !counts.isEmpty {
                    print("by reason: " + counts.keys.sorted().map { "\($0)=\(counts[$0] ?? 0)" }.joined(separator: " "))
                }
            }
        }
    }
}

/// `gridwatch backup PATH`: a consistent copy of the live database.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Copy the live database consistently (SQLite online backup).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "Destination file.") var path: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: path) else { throw CommandFailure("\(path) exists; refusing to overwrite") }
        try store.openDatabase().backup(to: path)
        print("backed up to \(path)")
    }
}
