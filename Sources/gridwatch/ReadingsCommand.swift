import ArgumentParser
import Devices
import Formats
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
