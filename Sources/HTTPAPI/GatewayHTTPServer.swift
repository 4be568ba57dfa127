import Foundation
import Hummingbird
import Logging

/// The gateway's HTTP side: liveness, readiness and metrics without a token; the staff API
/// behind bearer tokens; the dashboard's files at `/`.
public enum GatewayHTTPServer {
    /// Builds the application listening on `host:port`; `readiness` is asked on every `/readyz`.
    /// Without an `api` environment only the unauthenticated endpoints exist (tests of ingest).
    public static func make(host: String, port: Int, logger: Logger,
                            readiness: @escaping @Sendable () async -> ReadinessReport,
                            metrics: @escaping @Sendable () -> String = { "" },
                            api: APIEnvironment? = nil) -> some ApplicationProtocol {
        Application(router: router(logger: logger, readiness: readiness, metrics: metrics, api: api),
                    configuration: .init(address: .hostname(host, port: port), serverName: "gridwatch"), logger: logger)
    }

    /// Every route, for `make` and for tests that drive the router in process.
    public static func router(logger: Logger, readiness: @escaping @Sendable () async -> ReadinessReport,
                              metrics: @escaping @Sendable () -> String = { "" }, api: APIEnvironment? = nil) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIErrorMiddleware())
        if let path = api?.dashboardPath {
            // Hummingbird's file middleware refuses paths with `..` and serves nothing outside `path`.
            router.add(middleware: FileMiddleware(path, cacheControl: .init([(MediaType(type: .any), [.noCache])]),
                                                  searchForIndexHtml: true, logger: logger))
        }
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
        if let api {
            let group = router.group("api/v1").add(middleware: TokenAuthenticator(database: api.database, nowMs: api.nowMs))
            group.get("whoami") { _, context -> Response in
                let caller = try context.require(.viewer)
                return APIResponse.json(.object(["name": .string(caller.name), "role": .string(caller.role.rawValue)]))
            }
            TicketRoutes(environment: api).add(to: group)
            DeviceRoutes(environment: api).add(to: group)
            SiteRoutes(environment: api).add(to: group)
            ReportRoutes(environment: api).add(to: group)
            KPIRoutes(environment: api).add(to: group)
            StaffRoutes(environment: api).add(to: group)
            FollowUpRoutes(environment: api).add(to: group)
            RequestRoutes(environment: api).add(to: group)
            RuleRoutes(environment: api).add(to: group)
            EventStreamRoute(environment: api).add(to: group)
            OpenAPIRoute().add(to: group)
        }
        return router
    }
}
