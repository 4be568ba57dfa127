import Devices
import Formats
import Foundation
import Tickets

/// The configuration's sections, one reader each (`load` calls them in file order). Each
/// reports every mistake of its section at its line and column and leaves defaults alone.
extension GatewayConfig {
    /// The sections between `mqtt` and `tickets`, each when present.
    mutating func readSections(_ top: YAMLMapping, source: YAMLSource, resolve: (String) -> String, diagnostics: inout DiagnosticList) {
        if let topics = YAMLMapping(top["topics"], in: source, what: "'topics'", diagnostics: &diagnostics) { readTopics(topics, source: source, diagnostics: &diagnostics) }
        if let storage = YAMLMapping(top["storage"], in: source, what: "'storage'", diagnostics: &diagnostics) {
            readStorage(storage, source: source, resolve: resolve, diagnostics: &diagnostics)
        }
        if let cluster = YAMLMapping(top["cluster"], in: source, what: "'cluster'", diagnostics: &diagnostics) {
            cluster.rejectUnknownKeys(["instance"], what: "'cluster'", diagnostics: &diagnostics)
            if let value = cluster.string("instance", diagnostics: &diagnostics) { instanceName = value }
        }
        if let devices = YAMLMapping(top["devices"], in: source, what: "'devices'", diagnostics: &diagnostics) {
            readDevices(devices, source: source, resolve: resolve, diagnostics: &diagnostics)
        }
        if let ingest = YAMLMapping(top["ingest"], in: source, what: "'ingest'", diagnostics: &diagnostics) { readIngest(ingest, source: source, diagnostics: &diagnostics) }
        if let http = YAMLMapping(top["http"], in: source, what: "'http'", diagnostics: &diagnostics) {
            readHTTP(http, source: source, resolve: resolve, diagnostics: &diagnostics)
        }
        if let rules = YAMLMapping(top["rules"], in: source, what: "'rules'", diagnostics: &diagnostics) {
            rules.rejectUnknownKeys(["directory"], what: "'rules'", diagnostics: &diagnostics)
            if let value = rules.string("directory", diagnostics: &diagnostics) { rulesPath = resolve(value) }
        }
        if let sla = YAMLMapping(top["sla"], in: source, what: "'sla'", diagnostics: &diagnostics) {
            readSLA(sla, source: source, resolve: resolve, diagnostics: &diagnostics)
        }
        if let staff = YAMLMapping(top["staff"], in: source, what: "'staff'", diagnostics: &diagnostics) {
            staff.rejectUnknownKeys(["roster", "shifts"], what: "'staff'", diagnostics: &diagnostics)
            if let value = staff.string("roster", diagnostics: &diagnostics), !value.isEmpty { staffRosterPath = resolve(value) }
            if let value = staff.string("shifts", diagnostics: &diagnostics), !value.isEmpty { staffShiftsPath = resolve(value) }
            if staffShiftsPath != nil, staffRosterPath == nil {
                diagnostics.append(source.diagnostic(at: staff["shifts"], "'shifts' needs a 'roster' to name people and teams from"))
            }
        }
    }

    mutating func readTopics(_ topics: YAMLMapping, source: YAMLSource, diagnostics: inout DiagnosticList) {
        topics.rejectUnknownKeys(["telemetry", "status", "alerts"], what: "'topics'", diagnostics: &diagnostics)
        if let value = topics.string("alerts", diagnostics: &diagnostics) {
            if !value.contains("{ticket_id}") || value.contains("+") || value.contains("#") {
                diagnostics.append(source.diagnostic(at: topics["alerts"], "'alerts' must name {ticket_id} (and may name {community}), without wildcards"))
            } else {
                self.alertTopicPattern = value
            }
        }
        for key in ["telemetry", "status"] {
            guard let pattern = topics.string(key, diagnostics: &diagnostics) else { continue }
            do {
                _ = try TopicLayout(pattern)
                if key == "telemetry" { self.telemetryPattern = pattern } else { self.statusPattern = pattern }
            } catch {
                diagnostics.append(source.diagnostic(at: topics[key], error.message))
            }
        }
    }

    mutating func readStorage(_ storage: YAMLMapping, source: YAMLSource, resolve: (String) -> String, diagnostics: inout DiagnosticList) {
        storage.rejectUnknownKeys(["database", "journal", "journal_max_backlog", "journal_fsync", "url", "password_file"], what: "'storage'",
                                  diagnostics: &diagnostics)
        if let value = storage.string("database", diagnostics: &diagnostics) { self.databasePath = resolve(value) }
        self.readStoreURL(storage, source: source, resolve: resolve, diagnostics: &diagnostics)
        if let value = storage.string("journal", diagnostics: &diagnostics) { self.journalPath = resolve(value) }
        if let value = storage.byteSize("journal_max_backlog", diagnostics: &diagnostics) { self.journalMaxBacklogBytes = value }
        if let value = storage.bool("journal_fsync", diagnostics: &diagnostics) { self.journalSyncEveryAppend = value }
    }

    mutating func readDevices(_ devices: YAMLMapping, source: YAMLSource, resolve: (String) -> String, diagnostics: inout DiagnosticList) {
        devices.rejectUnknownKeys(["types", "inventory", "auto_register"], what: "'devices'", diagnostics: &diagnostics)
        if let value = devices.string("types", diagnostics: &diagnostics) { self.deviceTypesPath = resolve(value) }
        if devices["inventory"]?.null != nil { self.inventoryPath = nil } else if let value = devices.string("inventory", diagnostics: &diagnostics) {
            self.inventoryPath = value.isEmpty ? nil : resolve(value)
        }
        if let value = devices.bool("auto_register", diagnostics: &diagnostics) { self.autoRegister = value }
    }

    mutating func readIngest(_ ingest: YAMLMapping, source: YAMLSource, diagnostics: inout DiagnosticList) {
        ingest.rejectUnknownKeys(["max_payload", "clock_skew_tolerance", "batch_size", "batch_linger"], what: "'ingest'", diagnostics: &diagnostics)
        if let value = ingest.byteSize("max_payload", diagnostics: &diagnostics) { self.maxPayloadBytes = value }
        if let value = ingest.duration("clock_skew_tolerance", diagnostics: &diagnostics) { self.clockSkewToleranceSeconds = value }
        if let value = ingest.int("batch_size", in: 1...100_000, diagnostics: &diagnostics) { self.batchSize = value }
        if let value = ingest.duration("batch_linger", diagnostics: &diagnostics) {
            if (0...1).contains(value) { self.batchLingerSeconds = value } else {
                diagnostics.append(source.diagnostic(at: ingest["batch_linger"], "'batch_linger' must be between 0ms and 1s"))
            }
        }
    }

    mutating func readHTTP(_ http: YAMLMapping, source: YAMLSource, resolve: (String) -> String, diagnostics: inout DiagnosticList) {
        http.rejectUnknownKeys(["listen", "dashboard"], what: "'http'", diagnostics: &diagnostics)
        if http["dashboard"]?.null != nil { self.dashboardPath = nil } else if let value = http.string("dashboard", diagnostics: &diagnostics) {
            self.dashboardPath = value.isEmpty ? nil : resolve(value)
        }
        if let value = http.string("listen", diagnostics: &diagnostics) {
            self.httpListen = value
            if self.httpHostPort == nil { diagnostics.append(source.diagnostic(at: http["listen"], "'listen' must be HOST:PORT")) }
        }
    }

    mutating func readSLA(_ sla: YAMLMapping, source: YAMLSource, resolve: (String) -> String, diagnostics: inout DiagnosticList) {
        sla.rejectUnknownKeys(["calendar", "tiers"], what: "'sla'", diagnostics: &diagnostics)
        if let value = sla.string("calendar", diagnostics: &diagnostics) { self.calendarPath = resolve(value) }
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
            if !policies.isEmpty { self.slaPolicies = policies }
        }
    }

    mutating func readLog(_ log: YAMLMapping, source: YAMLSource, diagnostics: inout DiagnosticList) {
        log.rejectUnknownKeys(["level"], what: "'log'", diagnostics: &diagnostics)
        if let value = log.string("level", diagnostics: &diagnostics) {
            if ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(value) { self.logLevel = value } else {
                diagnostics.append(source.diagnostic(at: log["level"], "unknown log level '\(value)'"))
            }
        }
    }

    /// The MQTT credentials the environment gives (systemd credentials, containers): they win
    /// over the file.
    mutating func readEnvironment(_ environment: [String: String], diagnostics: inout DiagnosticList) {
        if let file = environment["GRIDWATCH_MQTT_PASSWORD_FILE"] {
            // systemd's LoadCredential= hands secrets over as files.
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                self.password = text.trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                diagnostics.append(Diagnostic(file: file, line: 1, column: 1, message: "cannot read GRIDWATCH_MQTT_PASSWORD_FILE"))
            }
        }
        if let password = environment["GRIDWATCH_MQTT_PASSWORD"] { self.password = password }
        if let username = environment["GRIDWATCH_MQTT_USERNAME"] { self.username = username }
    }
}
