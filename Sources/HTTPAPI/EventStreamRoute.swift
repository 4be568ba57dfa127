import Foundation
import Hummingbird
import ServiceLifecycle
import Storage

/// `/api/v1/events`: ticket events as server-sent events. Events are read from the database
/// after the client's cursor, so a client that reconnects with `Last-Event-ID` (even across a
/// gateway restart) gets every event it missed, in order, once. What a ring of the bell just
/// brought is taken from its memory instead, when that holds every event after the cursor
/// (`RecentTicketEvents`): an alarm's event then skips a round trip to the blocking pool.
struct EventStreamRoute {
    static let keepaliveInterval = Duration.seconds(15)
    /// How long a stream sleeps between looks when the bell does not ring (events written by
    /// the command line, in another process, only show up this way).
    static let pollInterval = Duration.seconds(1)
    /// How often an open stream checks that its token is still valid: a revoked token must stop
    /// receiving positions and evidence, not only at its next request.
    static let tokenCheckInterval = Duration.seconds(5)

    let environment: APIEnvironment

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("events") { request, context in try await environment.blocking { try stream(request, context) } }
    }

    func stream(_ request: Request, _ context: APIRequestContext) throws -> Response {
        let caller = try context.require(.viewer)
        let resumeText: String? = request.headers[.init("Last-Event-ID")!] ?? APIResponse.query(request, "last_event_id")
        let start: Int64
        if let resumeText {
            guard let seq = Int64(resumeText.trimmingCharacters(in: .whitespaces)), seq >= 0 else {
                throw APIError(.badRequest, "Last-Event-ID must be an event id (a number)")
            }
            start = seq
        } else {
            start = try environment.database.latestTicketEventSeq()
        }
        let environment = environment
        let filter = caller.seesPersonalData ? nil : PersonalDataFilter(catalog: environment.catalog)
        let body = ResponseBody { writer in
            var cursor = start
            // `retry` tells EventSource clients how soon to reconnect after a drop.
            try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
            var lastWrite = ContinuousClock.now
            var lastTokenCheck = ContinuousClock.now
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                if ContinuousClock.now - lastTokenCheck >= Self.tokenCheckInterval {
                    let hash = caller.tokenHash
                    guard (try? await environment.blocking({ try environment.database.activeAPIToken(hash: hash) })) != nil else { break }
                    lastTokenCheck = .now
                }
                let generation = environment.bell.generation
                let after = cursor
                // What a ring just brought is sent from memory; anything else is read back.
                let events: [StoredTicketEvent]
                if let rung = environment.bell.recentEvents(after: after, limit: 500) { events = rung } else {
                    events = try await environment.blocking { try environment.database.ticketEvents(after: after, limit: 500) }
                }
                if !events.isEmpty {
                    var text = ""
                    for event in events {
                        let data = filter?.event(event.body) ?? event.body
                        text += "id: \(event.seq)\nevent: \(event.event)\ndata: \(data)\n\n"
                        cursor = event.seq
                    }
                    try await writer.write(ByteBuffer(string: text))
                    lastWrite = .now
                    continue
                }
                if ContinuousClock.now - lastWrite >= Self.keepaliveInterval {
                    try await writer.write(ByteBuffer(string: ": keepalive\n\n"))
                    lastWrite = .now
                }
                await environment.bell.wait(after: generation, timeout: Self.pollInterval)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                                               .init("X-Accel-Buffering")!: "no"], body: body)
    }
}
