import ArgumentParser
import Devices
import Formats
import Foundation
import Gateway
import Logging
import MQTT
import Simulation

extension SimulateCommand {
    /// Publishes at QoS 1 with a persistent session, paced by simulated time (`--speed`) or a
    /// fixed rate (`--rate`), never more than a bounded number unacknowledged. With staff it
    /// also listens to the gateway's ticket events and sends the assignees walking.
    func publish(_ stream: inout TwinStream, startDate: Date, until endDate: Date?) throws {
        let url = mqttURL ?? configuredBrokerURL() ?? "mqtt://127.0.0.1:1883"
        guard let (host, port, useTLS) = MQTTOptions.parseURL(url) else { throw ValidationError("invalid --mqtt-url \(url)") }
        var logger = Logger(label: "simulate")
        logger.logLevel = .warning
        let inbox = AlertInbox()
        let listens = stream.staff != nil
        let options = MQTTOptions(host: host, port: port, clientID: clientID, cleanSession: false,
                                  tls: useTLS ? MQTTOptions.TLS(caPath: "/etc/ssl/certs") : nil,
                                  subscriptions: listens ? [Self.alertsFilter] : [], maxInflight: 1000)
        // On libmosquitto's network thread: copy the bytes and return.
        let receive: MQTTClient.MessageHandler = { message in inbox.add(Array(message.payload)) }
        let client = try MQTTClient(options: options, logger: logger, onMessage: listens ? receive : nil)
        client.start()
        // Publishing before CONNACK makes libmosquitto 2.0.11 re-send its in-flight window.
        guard client.waitUntilConnected(timeout: 30) else { throw CommandFailure("cannot connect to the broker at \(url): \(client.state)") }
        let clock = PublishClock(startDate: startDate, wallStart: Date(), speed: speed, rate: rate)
        var published = 0
        var lastReport = clock.wallStart
        let maxOutstanding = 5000
        while true {
            applyTicketEvents(inbox.drain(), to: &stream, clock: clock)
            if let count, stream.deviceMessageCount >= count { break }
            guard let dueMs = stream.nextDueMs() else { break }
            // A ticket event that comes in while waiting changes what is due next.
            guard clock.wait(untilMs: dueMs, published: published, interrupted: { !inbox.isEmpty }) else { continue }
            guard let item = stream.next() else { break }
            let message = item.message
            if let endDate, message.at >= endDate { break }
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
                let rate = Double(published) / lastReport.timeIntervalSince(clock.wallStart)
                FileHandle.standardError.write(Data("simulate: published \(published) (\(Int(rate)) msg/s), simulated time \(RFC3339.format(message.at, timeZone: .current))\n".utf8))
            }
        }
        let acknowledged = client.waitForAcknowledgements(timeout: 120)
        let seconds = Date().timeIntervalSince(clock.wallStart)
        client.stop()
        var summary: [String: JSONValue] = ["published": .int(Int64(published)), "acknowledged": .bool(acknowledged),
                                            "seconds": .double(seconds), "rate": .double(seconds > 0 ? Double(published) / seconds : 0)]
        if listens { summary["staff_positions"] = .int(Int64(stream.staffMessageCount)) }
        print(JSONValue.object(summary).jsonText)
        if !acknowledged { throw CommandFailure("not every message was acknowledged by the broker") }
    }

    /// Where the gateway publishes ticket events (docs/design.md §1.3, default `topics.alerts`).
    static let alertsFilter = "gridwatch/+/alerts/+"

    /// Moves the staff as the ticket events say, at the simulated time it is now: what the
    /// wall clock says under `--speed`, never before the latest message published nor after
    /// the next one due.
    private func applyTicketEvents(_ payloads: [[UInt8]], to stream: inout TwinStream, clock: PublishClock) {
        guard !payloads.isEmpty else { return }
        var atMs = stream.nowMs
        if let simulatedNow = clock.simulatedNowMs() {
            atMs = max(atMs, min(simulatedNow, stream.nextDueMs() ?? simulatedNow))
        }
        for payload in payloads {
            guard let notice = TicketNotice(alertPayload: payload) else { continue }
            stream.apply(notice, atMs: atMs)
        }
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

    private func configuredBrokerURL() -> String? {
        guard let path = config ?? (FileManager.default.fileExists(atPath: "config/gridwatch.yaml") ? "config/gridwatch.yaml" : nil) else { return nil }
        var diagnostics = DiagnosticList()
        return GatewayConfig.load(path: path, diagnostics: &diagnostics).mqttURL
    }
}
