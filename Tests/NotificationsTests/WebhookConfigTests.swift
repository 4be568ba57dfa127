import Devices
import Formats
import Foundation
import Gateway
import Notifications
import Testing

/// The `notifications:` section: a full webhook reads back, every mistake is reported at its
/// line and column, and secrets only come from files or the environment.
@Suite struct WebhookConfigTests {
    static func load(_ yaml: String, environment: [String: String] = [:]) throws -> (GatewayConfig, [String], String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-webhook-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "s3cret\n".write(toFile: directory + "/hook.secret", atomically: true, encoding: .utf8)
        let path = directory + "/gridwatch.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        var diagnostics = DiagnosticList()
        let config = GatewayConfig.load(path: path, environment: environment, diagnostics: &diagnostics)
        return (config, diagnostics.items.map(\.description), path)
    }

    @Test func aFullWebhookReadsBack() throws {
        let (config, diagnostics, _) = try Self.load("""
            notifications:
              webhooks:
                - name: duty-room
                  url: https://example.org/hooks/gridwatch
                  events: all
                  severities: [emergency]
                  secret_file: ${CREDENTIALS_DIRECTORY}/hook.secret
                  timeout: 3s
                  max_attempts: 4
                  backoff: {min: 1s, max: 1m}
                  headers: {Authorization: Bearer abc}
                - name: wecom
                  url_env: WECOM_URL
                  secret_env: WECOM_SECRET
                  template: |
                    {"msgtype": "text", "text": {"content": "{{severity}} {{ticket.title}} ({{event}})"}}
            """, environment: ["CREDENTIALS_DIRECTORY": ".", "WECOM_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K", "WECOM_SECRET": "x"])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let duty = try #require(config.webhooks.first)
        #expect(duty.name == "duty-room" && duty.events == nil && duty.severities == ["emergency"])
        #expect(duty.secret?.bytes == Array("s3cret".utf8), "read from the file, trimmed")
        #expect(duty.timeoutSeconds == 3 && duty.maxAttempts == 4 && duty.backoffMinSeconds == 1 && duty.backoffMaxSeconds == 60)
        #expect(duty.headers == ["Authorization": "Bearer abc"] && duty.template == nil)
        let weCom = try #require(config.webhooks.last)
        #expect(weCom.url.hasSuffix("key=K") && weCom.events == WebhookConfig.defaultEvents && weCom.template != nil)
        #expect(weCom.timeoutSeconds == 5 && weCom.maxAttempts == 10 && weCom.backoffMinSeconds == 2 && weCom.backoffMaxSeconds == 600)
    }

    @Test func everyMistakeIsReportedAtItsLineAndColumn() throws {
        let (config, diagnostics, path) = try Self.load("""
            notifications:
              webhooks:
                - name: one
                  url: ftp://example.org/x
                  events: [ticket_opened, ticket_exploded]
                  severities: [urgent]
                  secret_file: missing.secret
                - name: two
                  url: http://example.org/hook
                  secret: inline
                  template: '{"text": "{{ticket.titel}}"}'
                  max_attempts: 0
                - name: three
                  url: http://example.org/hook
                  template: '{"level": {{level}}}'
                  backoff: {min: 10m, max: 1m}
                  headers: {X-Gridwatch-Signature: forged}
            """)
        #expect(config.webhooks.isEmpty, "a webhook with errors is not used")
        let expected = [
            "\(path):4:12: error: webhook 'one': the URL must be http://HOST/... or https://HOST/...",
            "\(path):5:31: error: webhook 'one': unknown event 'ticket_exploded' (known: ticket_opened, ticket_updated,",
            "\(path):6:19: error: webhook 'one': unknown severity 'urgent' (tiers: complex, emergency, general)",
            "\(path):7:20: error: webhook 'one': cannot read secret_file ",
            "\(path):10:7: error: a webhook secret is never kept in the YAML",
            "\(path):11:17: error: webhook 'two': unknown placeholder '{{ticket.titel}}'",
            "\(path):12:21: error: webhook 'two': 'max_attempts' must be between 1 and 1000",
            "\(path):15:17: error: webhook 'three': the template is not valid JSON once a value holds quotes or is absent",
            "\(path):16:16: error: webhook 'three': 'backoff' needs 0 < min <= max",
            "\(path):17:17: error: webhook 'three': header 'X-Gridwatch-Signature' cannot be set here",
        ]
        for prefix in expected {
            #expect(diagnostics.contains { $0.hasPrefix(prefix) }, "missing: \(prefix)\n\(diagnostics.joined(separator: "\n"))")
        }
        #expect(diagnostics.contains { $0.contains("ticket_ack_timeout, ") && $0.contains("ticket_follow_up_overdue, report_published)") }, "the known events are listed, the report event last")
    }

    @Test func secretsAndURLsFromTheEnvironmentMustBeThere() throws {
        let (_, diagnostics, path) = try Self.load("""
            notifications:
              webhooks:
                - name: robot
                  url_env: ROBOT_URL
                  secret_env: ROBOT_SECRET
                  template: '{"text": "{{event}}"}'
                - name: robot
                  url: http://example.org/hook
                  url_file: url.txt
            """)
        #expect(diagnostics.contains { $0.hasPrefix("\(path):4:16: error: webhook 'robot': environment variable ROBOT_URL (url_env) is not set") }, "\(diagnostics)")
        #expect(diagnostics.contains { $0.hasPrefix("\(path):5:19: error: webhook 'robot': environment variable ROBOT_SECRET (secret_env) is not set") })
        #expect(diagnostics.contains { $0.hasPrefix("\(path):9:17: error: webhook 'robot': give only one of url, url_file") })
    }

    @Test func aChatRobotWithoutATemplateIsWarnedAbout() throws {
        let (config, diagnostics, path) = try Self.load("""
            notifications:
              webhooks:
                - name: dingtalk
                  url: https://oapi.dingtalk.com/robot/send?access_token=T
            """)
        #expect(config.webhooks.count == 1)
        #expect(diagnostics.contains { $0.hasPrefix("\(path):3:7: warning: webhook 'dingtalk' posts to a chat robot without a 'template'") }, "\(diagnostics)")
    }

    @Test func theShippedCommentedExamplesLoadCleanOnceUncommented() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let shipped = try String(contentsOfFile: repository + "/config/gridwatch.yaml", encoding: .utf8)
        let lines = shipped.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("# notifications:") })
        let example = lines[start...].filter { $0.hasPrefix("#") }.map { String($0.dropFirst(2)) }.joined(separator: "\n")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-credentials-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "s3cret".write(toFile: directory + "/webhook-secret", atomically: true, encoding: .utf8)
        try "https://oapi.dingtalk.com/robot/send?access_token=T".write(toFile: directory + "/dingtalk-url", atomically: true, encoding: .utf8)
        let (config, diagnostics, _) = try Self.load(example, environment: [
            "CREDENTIALS_DIRECTORY": directory, "GRIDWATCH_WECOM_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
            "GRIDWATCH_FEISHU_URL": "https://open.feishu.cn/open-apis/bot/v2/hook/H",
            "GRIDWATCH_REPORTS_WECOM_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=R",
        ])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(config.webhooks.map(\.name) == ["duty-system", "wecom", "dingtalk", "director-reports", "feishu"])
        #expect(config.webhooks.dropFirst().allSatisfy { $0.template != nil })
    }
}
