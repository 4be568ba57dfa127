import Devices
import Formats
import Foundation
import Indicators
import MQTT
import Tickets

extension GatewayConfig {
    static let sections: Set<String> = Set(["mqtt", "topics", "storage", "devices", "ingest", "http", "log", "rules", "sla", "tickets", "notifications",
                                            "retention", "cluster", "staff", "dispatch", "maintenance", "reports"]).union(IndicatorSet.configurationKeys)

    /// Reads `path`, reporting every error with its line and column.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            diagnostics: inout DiagnosticList) -> GatewayConfig {
        var config = GatewayConfig(configPath: path)
        let base = (path as NSString).deletingLastPathComponent
        func resolve(_ relative: String) -> String {
            if relative.hasPrefix("/") { return relative }
            let directory = URL(fileURLWithPath: base.isEmpty ? "." : base, isDirectory: true)
            return URL(fileURLWithPath: relative, relativeTo: directory).standardizedFileURL.path
        }
        config.databasePath = resolve("../data/gridwatch.db")
        config.deviceTypesPath = resolve("../devices")
        config.inventoryPath = resolve("../devices/demo-community.csv")
        config.rulesPath = resolve("rules")
        config.dashboardPath = resolve("../dashboard")
        // The shipped calendar when it is next to the configuration; else Monday-Friday, 09-18.
        let shippedCalendar = resolve("calendars/cn-2026.yaml")
        config.calendarPath = FileManager.default.fileExists(atPath: shippedCalendar) ? shippedCalendar : nil
        let shippedCatalogue = resolve("catalogue.yaml")
        config.cataloguePath = FileManager.default.fileExists(atPath: shippedCatalogue) ? shippedCatalogue : nil

        let source = YAMLSource.load(path: path, into: &diagnostics)
        if let root = source.root, let top = YAMLMapping(root, in: source, what: "the configuration", diagnostics: &diagnostics) {
            top.rejectUnknownKeys(sections, what: "the configuration", diagnostics: &diagnostics)
            if let mqtt = YAMLMapping(top["mqtt"], in: source, what: "'mqtt'", diagnostics: &diagnostics) {
                config.readMQTT(mqtt, resolve: resolve, environment: environment, diagnostics: &diagnostics)
            }
            config.readSections(top, source: source, resolve: resolve, diagnostics: &diagnostics)
            if let dispatch = YAMLMapping(top["dispatch"], in: source, what: "'dispatch'", diagnostics: &diagnostics) {
                config.readDispatch(dispatch, source: source, resolve: resolve, diagnostics: &diagnostics)
            }
            if let tickets = YAMLMapping(top["tickets"], in: source, what: "'tickets'", diagnostics: &diagnostics) {
                config.readTickets(tickets, resolve: resolve, diagnostics: &diagnostics)
                diagnostics.append(contentsOf: config.ticketProblems(at: tickets["ack_timeout"], in: source))
            }
            if let notifications = YAMLMapping(top["notifications"], in: source, what: "'notifications'", diagnostics: &diagnostics) {
                config.readNotifications(notifications, resolve: resolve, environment: environment, diagnostics: &diagnostics)
            }
            if let retention = YAMLMapping(top["retention"], in: source, what: "'retention'", diagnostics: &diagnostics) {
                config.readRetention(retention, diagnostics: &diagnostics)
            }
            if let maintenance = YAMLMapping(top["maintenance"], in: source, what: "'maintenance'", diagnostics: &diagnostics) {
                config.readMaintenance(maintenance, diagnostics: &diagnostics)
            }
            if let reports = YAMLMapping(top["reports"], in: source, what: "'reports'", diagnostics: &diagnostics) {
                config.reports.read(reports, resolve: resolve, diagnostics: &diagnostics)
            }
            if let log = YAMLMapping(top["log"], in: source, what: "'log'", diagnostics: &diagnostics) { config.readLog(log, source: source, diagnostics: &diagnostics) }
            // After `sla` and `tickets`: a per-tier indicator names one of their tiers.
            config.indicators = IndicatorSet.read(top, tiers: config.tiers, diagnostics: &diagnostics)
        }
        config.readEnvironment(environment, diagnostics: &diagnostics)
        return config
    }

    private mutating func readMQTT(_ mqtt: YAMLMapping, resolve: (String) -> String, environment: [String: String], diagnostics: inout DiagnosticList) {
        let source = mqtt.source
        mqtt.rejectUnknownKeys(["url", "client_id", "username", "password_file", "keepalive", "reconnect", "tls", "availability_topic",
                                "staff_topic", "request_topic", "request_status_topic"],
                               what: "'mqtt'", diagnostics: &diagnostics)
        if let value = mqtt.string("url", diagnostics: &diagnostics) {
            if MQTTOptions.parseURL(value) == nil {
                diagnostics.append(source.diagnostic(at: mqtt["url"], "'url' must look like mqtt://HOST:PORT or mqtts://HOST:PORT"))
            } else {
                mqttURL = value
            }
        }
        if let value = mqtt.string("client_id", diagnostics: &diagnostics) { clientID = value }
        if let value = mqtt.string("username", diagnostics: &diagnostics) { username = value }
        if let value = mqtt.string("password_file", diagnostics: &diagnostics) {
            let file = resolve(value)
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                password = text.trimmingCharacters(in: .whitespacesAndNewlines)
            } else if environment["GRIDWATCH_MQTT_PASSWORD"] == nil {
                diagnostics.append(source.diagnostic(at: mqtt["password_file"], "cannot read password file \(file)"))
            }
        }
        if let value = mqtt.duration("keepalive", diagnostics: &diagnostics) { keepAliveSeconds = max(5, value) }
        if let value = mqtt.string("availability_topic", diagnostics: &diagnostics) { availabilityTopic = value }
        if let value = mqtt.string("staff_topic", diagnostics: &diagnostics) {
            do {
                _ = try Self.staffTopicLayout(value)
                staffTopicPattern = value
            } catch {
                diagnostics.append(source.diagnostic(at: mqtt["staff_topic"], "\(error)"))
            }
        }
        readRequestTopics(mqtt, diagnostics: &diagnostics)
        if let reconnect = YAMLMapping(mqtt["reconnect"], in: source, what: "'reconnect'", diagnostics: &diagnostics) {
            reconnect.rejectUnknownKeys(["min", "max"], what: "'reconnect'", diagnostics: &diagnostics)
            if let value = reconnect.duration("min", diagnostics: &diagnostics) { reconnectMinSeconds = value }
            if let value = reconnect.duration("max", diagnostics: &diagnostics) { reconnectMaxSeconds = value }
        }
        if let tls = YAMLMapping(mqtt["tls"], in: source, what: "'tls'", diagnostics: &diagnostics) {
            tls.rejectUnknownKeys(["ca_file", "cert_file", "key_file", "insecure"], what: "'tls'", diagnostics: &diagnostics)
            for key in ["ca_file", "cert_file", "key_file"] {
                guard let value = tls.string(key, diagnostics: &diagnostics) else { continue }
                let file = resolve(value)
                if !FileManager.default.isReadableFile(atPath: file) {
                    diagnostics.append(source.diagnostic(at: tls[key], "cannot read \(key) \(file)"))
                }
                switch key {
                case "ca_file": tlsCAFile = file
                case "cert_file": tlsCertFile = file
                default: tlsKeyFile = file
                }
            }
            if let value = tls.bool("insecure", diagnostics: &diagnostics) { tlsInsecure = value }
        }
    }

    /// The live-position topic as a layout: its `{id}` is captured as the layout's `{device}`.
    public func staffTopicLayout() throws -> TopicLayout { try Self.staffTopicLayout(staffTopicPattern) }

    static func staffTopicLayout(_ pattern: String) throws -> TopicLayout {
        guard pattern.contains("{id}"), !pattern.contains("{device}") else {
            throw GatewayError("'staff_topic' must name {id} (the staff id) and may name {community}")
        }
        return try TopicLayout(pattern.replacingOccurrences(of: "{id}", with: "{device}"))
    }

    /// libmosquitto options for the gateway's own persistent session.
    public func mqttOptions(subscriptions: [String]) throws -> MQTTOptions {
        guard let (host, port, useTLS) = MQTTOptions.parseURL(mqttURL) else { throw MQTTError("invalid MQTT URL \(mqttURL)") }
        var tls: MQTTOptions.TLS?
        if useTLS || tlsCAFile != nil {
            tls = MQTTOptions.TLS(caFile: tlsCAFile, caPath: tlsCAFile == nil ? "/etc/ssl/certs" : nil, certFile: tlsCertFile,
                                  keyFile: tlsKeyFile, insecureSkipHostnameCheck: tlsInsecure)
        }
        return MQTTOptions(host: host, port: port, clientID: clientID, cleanSession: false, keepAliveSeconds: Int(keepAliveSeconds),
                           username: username, password: password, tls: tls,
                           availability: MQTTOptions.Availability(topic: resolvedAvailabilityTopic), subscriptions: subscriptions,
                           subscriptionQoS: 1, maxInflight: 1000, reconnectMinSeconds: reconnectMinSeconds, reconnectMaxSeconds: reconnectMaxSeconds)
    }
}
