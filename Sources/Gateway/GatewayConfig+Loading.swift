import Devices
import Foundation
import MQTT
import Tickets

extension GatewayConfig {
    static let sections: Set<String> = ["mqtt", "topics", "storage", "devices", "ingest", "http", "log", "rules", "sla", "tickets", "notifications", "retention", "cluster"]

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

        let source = YAMLSource.load(path: path, into: &diagnostics)
        if let root = source.root, let top = YAMLMapping(root, in: source, what: "the configuration", diagnostics: &diagnostics) {
            top.rejectUnknownKeys(sections, what: "the configuration", diagnostics: &diagnostics)
            if let mqtt = YAMLMapping(top["mqtt"], in: source, what: "'mqtt'", diagnostics: &diagnostics) {
                config.readMQTT(mqtt, resolve: resolve, environment: environment, diagnostics: &diagnostics)
            }
            if let topics = YAMLMapping(top["topics"], in: source, what: "'topics'", diagnostics: &diagnostics) {
                topics.rejectUnknownKeys(["telemetry", "status", "alerts"], what: "'topics'", diagnostics: &diagnostics)
                if let value = topics.string("alerts", diagnostics: &diagnostics) {
                    if !value.contains("{ticket_id}") || value.contains("+") || value.contains("#") {
                        diagnostics.append(source.diagnostic(at: topics["alerts"], "'alerts' must name {ticket_id} (and may name {community}), without wildcards"))
                    } else {
                        config.alertTopicPattern = value
                    }
                }
                for key in ["telemetry", "status"] {
                    guard let pattern = topics.string(key, diagnostics: &diagnostics) else { continue }
                    do {
                        _ = try TopicLayout(pattern)
                        if key == "telemetry" { config.telemetryPattern = pattern } else { config.statusPattern = pattern }
                    } catch {
                        diagnostics.append(source.diagnostic(at: topics[key], error.message))
                    }
                }
            }
            if let storage = YAMLMapping(top["storage"], in: source, what: "'storage'", diagnostics: &diagnostics) {
                storage.rejectUnknownKeys(["database", "journal", "journal_max_backlog", "journal_fsync", "url", "password_file"], what: "'storage'",
                                          diagnostics: &diagnostics)
                if let value = storage.string("database", diagnostics: &diagnostics) { config.databasePath = resolve(value) }
                config.readStoreURL(storage, source: source, resolve: resolve, diagnostics: &diagnostics)
                if let value = storage.string("journal", diagnostics: &diagnostics) { config.journalPath = resolve(value) }
                if let value = storage.byteSize("journal_max_backlog", diagnostics: &diagnostics) { config.journalMaxBacklogBytes = value }
                if let value = storage.bool("journal_fsync", diagnostics: &diagnostics) { config.journalSyncEveryAppend = value }
            }
            if let cluster = YAMLMapping(top["cluster"], in: source, what: "'cluster'", diagnostics: &diagnostics) {
                cluster.rejectUnknownKeys(["instance"], what: "'cluster'", diagnostics: &diagnostics)
                if let value = cluster.string("instance", diagnostics: &diagnostics) { config.instanceName = value }
            }
            if let devices = YAMLMapping(top["devices"], in: source, what: "'devices'", diagnostics: &diagnostics) {
                devices.rejectUnknownKeys(["types", "inventory", "auto_register"], what: "'devices'", diagnostics: &diagnostics)
                if let value = devices.string("types", diagnostics: &diagnostics) { config.deviceTypesPath = resolve(value) }
                if devices["inventory"]?.null != nil { config.inventoryPath = nil } else if let value = devices.string("inventory", diagnostics: &diagnostics) {
                    config.inventoryPath = value.isEmpty ? nil : resolve(value)
                }
                if let value = devices.bool("auto_register", diagnostics: &diagnostics) { config.autoRegister = value }
            }
            if let ingest = YAMLMapping(top["ingest"], in: source, what: "'ingest'", diagnostics: &diagnostics) {
                ingest.rejectUnknownKeys(["max_payload", "clock_skew_tolerance", "batch_size"], what: "'ingest'", diagnostics: &diagnostics)
                if let value = ingest.byteSize("max_payload", diagnostics: &diagnostics) { config.maxPayloadBytes = value }
                if let value = ingest.duration("clock_skew_tolerance", diagnostics: &diagnostics) { config.clockSkewToleranceSeconds = value }
                if let value = ingest.int("batch_size", diagnostics: &diagnostics) {
                    if (1...100_000).contains(value) { config.batchSize = value } else {
                        diagnostics.append(source.diagnostic(at: ingest["batch_size"], "'batch_size' must be between 1 and 100000"))
                    }
                }
            }
            if let http = YAMLMapping(top["http"], in: source, what: "'http'", diagnostics: &diagnostics) {
                http.rejectUnknownKeys(["listen", "dashboard"], what: "'http'", diagnostics: &diagnostics)
                if http["dashboard"]?.null != nil { config.dashboardPath = nil } else if let value = http.string("dashboard", diagnostics: &diagnostics) {
                    config.dashboardPath = value.isEmpty ? nil : resolve(value)
                }
                if let value = http.string("listen", diagnostics: &diagnostics) {
                    config.httpListen = value
                    if config.httpHostPort == nil { diagnostics.append(source.diagnostic(at: http["listen"], "'listen' must be HOST:PORT")) }
                }
            }
            if let rules = YAMLMapping(top["rules"], in: source, what: "'rules'", diagnostics: &diagnostics) {
                rules.rejectUnknownKeys(["directory"], what: "'rules'", diagnostics: &diagnostics)
                if let value = rules.string("directory", diagnostics: &diagnostics) { config.rulesPath = resolve(value) }
            }
            if let sla = YAMLMapping(top["sla"], in: source, what: "'sla'", diagnostics: &diagnostics) {
                sla.rejectUnknownKeys(["calendar", "tiers"], what: "'sla'", diagnostics: &diagnostics)
                if let value = sla.string("calendar", diagnostics: &diagnostics) { config.calendarPath = resolve(value) }
                if let tiers = YAMLMapping(sla["tiers"], in: source, what: "'tiers'", diagnostics: &diagnostics) {
                    var policies: [String: SLAPolicy] = [:]
                    for (tier, _, node) in tiers.entries {
                        guard let policy = YAMLMapping(node, in: source, what: "tier '\(tier)'", diagnostics: &diagnostics) else { continue }
                        policy.rejectUnknownKeys(["respond", "resolve"], what: "tier '\(tier)'", diagnostics: &diagnostics)
                        func duration(_ key: String) -> SLADuration? {
                            guard let text = policy.require(key, what: "tier '\(tier)'", diagnostics: &diagnostics).flatMap({ _ in policy.string(key, diagnostics: &diagnostics) }) else { return nil }
                            guard let parsed = SLADuration(text) else {
                                diagnostics.append(source.diagnostic(at: policy[key], "'\(key)' must be a duration (30m, 24h) or N working days / N working hours"))
                                return nil
                            }
                            return parsed
                        }
                        if let respond = duration("respond"), let resolve = duration("resolve") {
                            policies[tier] = SLAPolicy(tier: tier, respond: respond, resolve: resolve)
                        }
                    }
                    if !policies.isEmpty { config.slaPolicies = policies }
                }
            }
            if let tickets = YAMLMapping(top["tickets"], in: source, what: "'tickets'", diagnostics: &diagnostics) {
                config.readTickets(tickets, diagnostics: &diagnostics)
                diagnostics.append(contentsOf: config.ticketProblems(at: tickets["ack_timeout"], in: source))
            }
            if let notifications = YAMLMapping(top["notifications"], in: source, what: "'notifications'", diagnostics: &diagnostics) {
                config.readNotifications(notifications, resolve: resolve, environment: environment, diagnostics: &diagnostics)
            }
            if let retention = YAMLMapping(top["retention"], in: source, what: "'retention'", diagnostics: &diagnostics) {
                config.readRetention(retention, diagnostics: &diagnostics)
            }
            if let log = YAMLMapping(top["log"], in: source, what: "'log'", diagnostics: &diagnostics) {
                log.rejectUnknownKeys(["level"], what: "'log'", diagnostics: &diagnostics)
                if let value = log.string("level", diagnostics: &diagnostics) {
                    if ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(value) { config.logLevel = value } else {
                        diagnostics.append(source.diagnostic(at: log["level"], "unknown log level '\(value)'"))
                    }
                }
            }
        }
        if let file = environment["GRIDWATCH_MQTT_PASSWORD_FILE"] {
            // systemd's LoadCredential= hands secrets over as files.
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                config.password = text.trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                diagnostics.append(Diagnostic(file: file, line: 1, column: 1, message: "cannot read GRIDWATCH_MQTT_PASSWORD_FILE"))
            }
        }
        if let password = environment["GRIDWATCH_MQTT_PASSWORD"] { config.password = password }
        if let username = environment["GRIDWATCH_MQTT_USERNAME"] { config.username = username }
        return config
    }

    private mutating func readMQTT(_ mqtt: YAMLMapping, resolve: (String) -> String, environment: [String: String], diagnostics: inout DiagnosticList) {
        let source = mqtt.source
        mqtt.rejectUnknownKeys(["url", "client_id", "username", "password_file", "keepalive", "reconnect", "tls", "availability_topic"],
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
