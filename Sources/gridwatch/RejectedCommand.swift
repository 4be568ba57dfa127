import ArgumentParser
import Devices
import Formats
import Foundation
import Storage

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
