import Foundation
import Testing

/// A chat robot fed by the live gateway: a smoke alarm becomes a ticket, and its opening reaches
/// a real HTTP receiver as the configured WeCom-style text message, signed.
@Suite(.serialized) struct WebhookIntegrationTests {
    /// A stdlib HTTP server that answers like a chat robot and appends each request's headers and body to `log`.
    static func receiver(port: Int, log: String, directory: String) throws -> ChildProcess {
        let script = """
        import http.server, sys
        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                with open(sys.argv[2], 'ab') as out:
                    out.write(str(self.headers).encode() + body + b'\\n----\\n')
                self.send_response(200); self.send_header('Content-Type', 'application/json'); self.end_headers()
                self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')
            def log_message(self, *args): pass
        http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Hook).serve_forever()
        """
        try script.write(toFile: directory + "/receiver.py", atomically: true, encoding: .utf8)
        return try ChildProcess(name: "receiver", executable: "/usr/bin/env", arguments: ["python3", directory + "/receiver.py", String(port), log],
                                logDirectory: directory)
    }

    @Test func aSmokeAlarmReachesTheChatRobotAsText() throws {
        let directory = try TestPaths.temporaryDirectory("webhook-live")
        let broker = try TestBroker(directory: directory)
        defer { broker.stop() }
        let port = TestPaths.freePort()
        let received = directory + "/received.txt"
        let robot = try Self.receiver(port: port, log: received, directory: directory)
        defer { robot.stop(SIGKILL) }
        #expect(eventually(timeout: 10) { TestPaths.portAccepts(port) })
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
            rules: {directory: \(TestPaths.repository)/config/rules}
            notifications:
              webhooks:
                - name: wecom
                  url: http://127.0.0.1:\(port)/cgi-bin/webhook/send
                  severities: [emergency]
                  secret_env: GRIDWATCH_TEST_WEBHOOK_SECRET
                  template: |
                    {"msgtype": "text", "text": {"content": "{{severity}} {{ticket.title}} — {{ticket.location.building}}-{{ticket.location.unit}}, respond by {{ticket.respond_by}} ({{event}} {{ticket_id}})"}}

            """)
        let gateway = TestGateway(broker: broker, directory: directory, configPath: config)
        try gateway.start(environment: ["GRIDWATCH_TEST_WEBHOOK_SECRET": "s3cret"])
        defer { _ = gateway.terminate() }
        #expect(try publishSmokeAlarm(broker: broker, directory: directory))
        var text = ""
        #expect(eventually(timeout: 15) {
            text = (try? String(contentsOfFile: received, encoding: .utf8)) ?? ""
            return text.contains("ticket_opened")
        }, "nothing delivered: \(gateway.process?.log ?? "")")
        #expect(text.contains("\"msgtype\": \"text\"") && text.contains("emergency 烟感报警 b01-0101 — b01-0101, respond by 20"), "\(text)")
        // Chinese first: the robot's readers get the rule's Chinese title (the webhook's `language` defaults to zh).
        #expect(text.contains("X-Gridwatch-Signature: sha256=") && text.contains("X-Gridwatch-Event: ticket_opened"), "\(text)")
        let listed = try CommandLineTests.gridwatch(["webhooks", "list", "--db", gateway.databasePath, "--config", config, "--format", "json"],
                                                    in: directory)
        #expect(listed.status == 0 && listed.output.contains("\"delivered\""), "\(listed.output)")
    }
}
