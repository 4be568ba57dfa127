import ArgumentParser
import Devices
import Foundation
import Gateway
import Logging
import MQTT
import Simulation

extension SimulateCommand {
    /// Publishes at QoS 1 with a persistent session, paced by simulated time (`--speed`) or a
    /// fixed rate (`--rate`), never more than a bounded number unacknowledged.
    func publish(_ simulator: inout FleetSimulator, startDate: Date, until endDate: Date?) throws {
        let url = mqttURL ?? configuredBrokerURL() ?? "mqtt://127.0.0.1:1883"
        guard let (host, port, useTLS) = MQTTOptions.parseURL(url) else { throw ValidationError("invalid --mqtt-url \(url)") }
        var logger = Logger(label: "simulate")
        logger.logLevel = .warning
        let options = MQTTOptions(host: host, port: port, clientID: clientID, cleanSession: false,
                                  tls: useTLS ? MQTTOptions.TLS(caPath: "/etc/ssl/certs") : nil, maxInflight: 1000)
        let client = try MQTTClient(options: options, logger: logger)
        client.start()
        // Publishing before CONNACK makes libmosquitto 2.0.11 re-send its in-flight window.
        guard client.waitUntilConnected(timeout: 30) else { throw CommandFailure("cannot connect to the broker at \(url): \(client.state)") }
        let wallStart = Date()
        var published = 0
        var lastReport = wallStart
        let maxOutstanding = 5000
        while let message = simulator.next() {
            if let endDate, message.at >= endDate { break }
            if let count, published >= count { break }
            pace(published: published, message: message, startDate: startDate, wallStart: wallStart)
            while client.outstandingCount >= maxOutstanding { usleep(500) }
            // While the broker is away libmosquitto keeps queueing (bounded by maxOutstanding).
            let payload = deviceClock == .wall ? Self.restamp(message.payload, atMs: Int64(Date().timeIntervalSince1970 * 1000)) : message.payload
            guard client.publish(topic: message.topic, payload: payload, qos: 1) else {
                client.stop()
                throw CommandFailure("the broker client refused a message on \(message.topic)")
            }
            published += 1
            if Date().timeIntervalSince(lastReport) >= 5 {
                lastReport = Date()
                let rate = Double(published) / lastReport.timeIntervalSince(wallStart)
                FileHandle.standardError.write(Data("simulate: published \(published) (\(Int(rate)) msg/s), simulated time \(RFC3339.format(message.at, timeZone: .current))\n".utf8))
            }
        }
        let acknowledged = client.waitForAcknowledgements(timeout: 120)
        let seconds = Date().timeIntervalSince(wallStart)
        client.stop()
        print(JSONValue.object(["published": .int(Int64(published)), "acknowledged": .bool(acknowledged),
                                "seconds": .double(seconds), "rate": .double(seconds > 0 ? Double(published) / seconds : 0)]).jsonText)
        if !acknowledged { throw CommandFailure("not every message was acknowledged by the broker") }
    }

    /// The payload with its `ts` set to `atMs`, in the same form the device used (epoch
    /// seconds, milliseconds or RFC 3339). Garbage payloads pass through untouched.
    static func restamp(_ payload: [UInt8], atMs: Int64) -> [UInt8] {
        guard case var .object(members)? = try? JSONParser.parse(payload), let ts = members["ts"] else { return payload }
        switch ts {
        case .string: members["ts"] = .string(RFC3339.format(milliseconds: atMs, timeZone: .current))
        case let .int(value) where value < 100_000_000_000: members["ts"] = .int(atMs / 1000)
        case .int, .double: members["ts"] = .int(atMs)
        default: return payload
        }
        return Array(JSONValue.object(members).jsonText.utf8)
    }

    private func pace(published: Int, message: SimulatedMessage, startDate: Date, wallStart: Date) {
        let due: Date
        if let rate {
            guard rate > 0 else { return }
            due = wallStart.addingTimeInterval(Double(published) / rate)
        } else {
            guard speed > 0 else { return }
            due = wallStart.addingTimeInterval(message.at.timeIntervalSince(startDate) / speed)
        }
        let wait = due.timeIntervalSinceNow
        if wait > 0.0005 { usleep(UInt32(min(wait, 5) * 1_000_000)) }
    }

    private func configuredBrokerURL() -> String? {
        guard let path = config ?? (FileManager.default.fileExists(atPath: "config/gridwatch.yaml") ? "config/gridwatch.yaml" : nil) else { return nil }
        var diagnostics = DiagnosticList()
        return GatewayConfig.load(path: path, diagnostics: &diagnostics).mqttURL
    }
}
