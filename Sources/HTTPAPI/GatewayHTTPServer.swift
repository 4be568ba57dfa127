import Foundation
import Hummingbird
import Logging

/// The gateway's HTTP side. For now liveness and readiness; the staff API and dashboard
/// (issue 5) mount on the same router.
public enum GatewayHTTPServer {
    /// Builds the application listening on `host:port`; `readiness` is asked on every `/readyz`.
    public static func make(host: String, port: Int, logger: Logger,
                            readiness: @escaping @Sendable () async -> ReadinessReport,
                            metrics: @escaping @Sendable () -> String = { "" }) -> some ApplicationProtocol {
        let router = Router()
        router.get("healthz") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("readyz") { _, _ -> Response in
            let report = await readiness()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = (try? encoder.encode(report)) ?? Data("{}".utf8)
            return Response(status: report.ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics())))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "gridwatch"), logger: logger)
    }
}
