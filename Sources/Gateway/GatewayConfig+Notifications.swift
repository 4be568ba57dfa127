import Devices
import Formats
import Foundation
import Notifications
import Yams

/// The `notifications:` section: webhooks that receive ticket events. Each one is checked
/// whole when the configuration loads (URL, event names, tiers, template, secret), so a
/// mistake shows in `gridwatch check`, not as silence during an emergency.
extension GatewayConfig {
    static let webhookKeys: Set<String> = ["name", "url", "url_file", "url_env", "events", "severities", "secret_file", "secret_env",
                                           "template", "timeout", "max_attempts", "backoff", "headers", "language"]
    /// Chat platforms that only accept their own message shape (a template is needed).
    static let chatRobotHosts = ["qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn", "open.larksuite.com"]

    mutating func readNotifications(_ notifications: YAMLMapping, resolve: (String) -> String, environment: [String: String],
                                    diagnostics: inout DiagnosticList) {
        let source = notifications.source
        notifications.rejectUnknownKeys(["webhooks"], what: "'notifications'", diagnostics: &diagnostics)
        guard let node = notifications["webhooks"] else { return }
        guard let items = node.sequence else {
            diagnostics.append(source.diagnostic(at: node, "'webhooks' must be a list of webhooks ({name, url, events, ...})"))
            return
        }
        var parsed: [WebhookConfig] = []
        for item in items {
            guard let map = YAMLMapping(item, in: source, what: "a webhook", diagnostics: &diagnostics),
                  let webhook = Self.readWebhook(map, tiers: tiers, resolve: resolve, environment: environment, diagnostics: &diagnostics) else { continue }
            if parsed.contains(where: { $0.name == webhook.name }) {
                diagnostics.append(source.diagnostic(at: map["name"], "webhook '\(webhook.name)' is defined twice"))
                continue
            }
            parsed.append(webhook)
        }
        webhooks = parsed
    }

    static func readWebhook(_ map: YAMLMapping, tiers: Set<String>, resolve: (String) -> String, environment: [String: String],
                            diagnostics: inout DiagnosticList) -> WebhookConfig? {
        let source = map.source
        if let inline = map.keyNode("secret") {
            diagnostics.append(source.diagnostic(at: inline, "a webhook secret is never kept in the YAML: use secret_file (a file, e.g. a systemd credential) or secret_env"))
        }
        map.rejectUnknownKeys(webhookKeys.union(["secret"]), what: "a webhook", diagnostics: &diagnostics)
        guard map.require("name", what: "a webhook", diagnostics: &diagnostics) != nil, let name = map.string("name", diagnostics: &diagnostics) else { return nil }
        let nameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        guard (1...64).contains(name.count), name.allSatisfy(nameCharacters.contains) else {
            diagnostics.append(source.diagnostic(at: map["name"], "webhook name '\(name)' must be 1-64 letters, digits, '_' or '-' (it is a metric label)"))
            return nil
        }
        let what = "webhook '\(name)'"
        let errorsBefore = diagnostics.errors.count
        let url = readWebhookURL(map, what: what, resolve: resolve, environment: environment, diagnostics: &diagnostics)
        var webhook = WebhookConfig(name: name, url: url ?? "")
        webhook.events = readEvents(map, what: what, diagnostics: &diagnostics)
        if let node = map["severities"] {
            let names = map.stringList("severities", diagnostics: &diagnostics) ?? []
            for unknown in names where !tiers.contains(unknown) {
                diagnostics.append(source.diagnostic(at: node, "\(what): unknown severity '\(unknown)' (tiers: \(tiers.sorted().joined(separator: ", ")))"))
            }
            webhook.severities = Set(names)
        }
        if map["secret_file"] != nil || map["secret_env"] != nil {
            webhook.secret = secretText(map, plain: nil, file: "secret_file", env: "secret_env", what: what, resolve: resolve, environment: environment,
                                        diagnostics: &diagnostics).map(WebhookSecret.init)
        }
        webhook.template = readTemplate(map, what: what, events: webhook.events, diagnostics: &diagnostics)
        if let language = map.string("language", diagnostics: &diagnostics) {
            if ["zh", "en"].contains(language) { webhook.language = language } else {
                diagnostics.append(source.diagnostic(at: map["language"], "\(what): 'language' must be zh or en"))
            }
        }
        readDelivery(map, into: &webhook, what: what, diagnostics: &diagnostics)
        if let headers = YAMLMapping(map["headers"], in: source, what: "'headers'", diagnostics: &diagnostics) {
            webhook.headers = readHeaders(headers, what: what, diagnostics: &diagnostics)
        }
        return diagnostics.errors.count == errorsBefore ? webhook : nil
    }

    /// The webhook's URL (`url`, `url_file` or `url_env`), checked for scheme and host.
    static func readWebhookURL(_ map: YAMLMapping, what: String, resolve: (String) -> String, environment: [String: String],
                               diagnostics: inout DiagnosticList) -> String? {
        let source = map.source
        let url = secretText(map, plain: "url", file: "url_file", env: "url_env", what: what, resolve: resolve, environment: environment,
                             diagnostics: &diagnostics)
        if let url {
            let parsed = URL(string: url)
            if !["http", "https"].contains(parsed?.scheme?.lowercased() ?? "") || (parsed?.host ?? "").isEmpty {
                diagnostics.append(source.diagnostic(at: map["url"] ?? map["url_file"] ?? map["url_env"], "\(what): the URL must be http://HOST/... or https://HOST/..."))
            }
            if map["template"] == nil, let host = parsed?.host, chatRobotHosts.contains(host) {
                diagnostics.append(source.diagnostic(at: map.node, "\(what) posts to a chat robot without a 'template': the robot refuses the raw event JSON (see README, Webhooks)",
                                                     severity: .warning))
            }
        } else if map["url"] == nil, map["url_file"] == nil, map["url_env"] == nil {
            diagnostics.append(source.diagnostic(at: map.node, "\(what) needs 'url' (or url_file / url_env when the URL carries a robot's key)"))
        }
        return url
    }

    /// `template`: the body shape a chat robot accepts, its problems reported where it is written.
    static func readTemplate(_ map: YAMLMapping, what: String, events: Set<String>?, diagnostics: inout DiagnosticList) -> PayloadTemplate? {
        let source = map.source
        guard let text = map.string("template", diagnostics: &diagnostics) else { return nil }
        do {
            let template = try PayloadTemplate(text)
            for problem in template.problems(events: events) { diagnostics.append(source.diagnostic(at: map["template"], "\(what): \(problem)")) }
            return template
        } catch {
            diagnostics.append(source.diagnostic(at: map["template"], "\(what): \(error)"))
            return nil
        }
    }

    /// `timeout`, `max_attempts` and `backoff`: how hard delivery tries.
    static func readDelivery(_ map: YAMLMapping, into webhook: inout WebhookConfig, what: String, diagnostics: inout DiagnosticList) {
        let source = map.source
        if let seconds = map.duration("timeout", diagnostics: &diagnostics) {
            if seconds > 0, seconds <= 300 { webhook.timeoutSeconds = seconds } else {
                diagnostics.append(source.diagnostic(at: map["timeout"], "\(what): 'timeout' must be more than 0 and at most 5m"))
            }
        }
        if let attempts = map.int("max_attempts", diagnostics: &diagnostics) {
            if (1...1000).contains(attempts) { webhook.maxAttempts = attempts } else {
                diagnostics.append(source.diagnostic(at: map["max_attempts"], "\(what): 'max_attempts' must be between 1 and 1000"))
            }
        }
        if let backoff = YAMLMapping(map["backoff"], in: source, what: "'backoff'", diagnostics: &diagnostics) {
            backoff.rejectUnknownKeys(["min", "max"], what: "'backoff'", diagnostics: &diagnostics)
            let low = backoff.duration("min", diagnostics: &diagnostics) ?? webhook.backoffMinSeconds
            let high = backoff.duration("max", diagnostics: &diagnostics) ?? max(webhook.backoffMaxSeconds, low)
            if low > 0, high >= low {
                (webhook.backoffMinSeconds, webhook.backoffMaxSeconds) = (low, high)
            } else {
                diagnostics.append(source.diagnostic(at: map["backoff"], "\(what): 'backoff' needs 0 < min <= max, e.g. {min: 2s, max: 10m}"))
            }
        }
    }

    /// `headers`: extra request headers, except those gridwatch itself sets.
    static func readHeaders(_ headers: YAMLMapping, what: String, diagnostics: inout DiagnosticList) -> [String: String] {
        let source = headers.source
        var result: [String: String] = [:]
        let tokenCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        for (key, keyNode, _) in headers.entries {
            let reserved = key.lowercased().hasPrefix("x-gridwatch-") || ["content-type", "content-length", "host"].contains(key.lowercased())
            if key.isEmpty || !key.allSatisfy(tokenCharacters.contains) || reserved {
                diagnostics.append(source.diagnostic(at: keyNode, "\(what): header '\(key)' cannot be set here"))
            } else if let value = headers.string(key, diagnostics: &diagnostics) {
                result[key] = value
            }
        }
        return result
    }

    /// `events: all`, or a list of known event names; absent: the default five.
    static func readEvents(_ map: YAMLMapping, what: String, diagnostics: inout DiagnosticList) -> Set<String>? {
        guard let node = map["events"] else { return WebhookConfig.defaultEvents }
        if node.string == "all" { return nil }
        guard let items = node.sequence, !items.isEmpty else {
            diagnostics.append(map.source.diagnostic(at: node, "\(what): 'events' must be 'all' or a list of event names"))
            return WebhookConfig.defaultEvents
        }
        var events: Set<String> = []
        for item in items {
            guard let name = item.string, WebhookConfig.knownEvents.contains(name) else {
                diagnostics.append(map.source.diagnostic(at: item, "\(what): unknown event '\(item.string ?? "\(item)")' (known: \(WebhookConfig.knownEvents.joined(separator: ", ")))"))
                continue
            }
            events.insert(name)
        }
        return events
    }

    /// A value that may be secret, from exactly one of the YAML (`plain`, when allowed), a file
    /// (trimmed; `${CREDENTIALS_DIRECTORY}` and other `${VAR}` expanded, for systemd's
    /// LoadCredential=) or an environment variable.
    static func secretText(_ map: YAMLMapping, plain: String?, file: String, env: String, what: String, resolve: (String) -> String,
                           environment: [String: String], diagnostics: inout DiagnosticList) -> String? {
        let keys = [plain, file, env].compactMap { $0 }.filter { map[$0] != nil }
        if keys.count > 1 {
            diagnostics.append(map.source.diagnostic(at: map[keys[1]], "\(what): give only one of \(keys.joined(separator: ", "))"))
            return nil
        }
        if let plain, map[plain] != nil { return map.string(plain, diagnostics: &diagnostics) }
        if let value = map.string(file, diagnostics: &diagnostics) {
            var path = value
            for (name, setting) in environment where path.contains("${\(name)}") { path = path.replacingOccurrences(of: "${\(name)}", with: setting) }
            path = resolve(path)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                diagnostics.append(map.source.diagnostic(at: map[file], "\(what): cannot read \(file) \(path)"))
                return nil
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { diagnostics.append(map.source.diagnostic(at: map[file], "\(what): \(file) \(path) is empty")) }
            return trimmed.isEmpty ? nil : trimmed
        }
        if let name = map.string(env, diagnostics: &diagnostics) {
            guard let value = environment[name], !value.isEmpty else {
                diagnostics.append(map.source.diagnostic(at: map[env], "\(what): environment variable \(name) (\(env)) is not set"))
                return nil
            }
            return value
        }
        return nil
    }
}
