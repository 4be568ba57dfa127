import Foundation
import Hummingbird
import NIOPosix
import Storage
import Synchronization

/// Checks `Authorization: Bearer TOKEN` against the stored hashes; every `/api/v1` route
/// sits behind it, so a request without a valid token never reaches a handler.
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = APIRequestContext
    let database: any GatewayStore
    let nowMs: @Sendable () -> Int64
    /// When each token was last marked used: the mark takes the write lock, so at most once a minute.
    let lastTouched = LastTouched()

    /// Per-token time of the last `last_used_at` write.
    final class LastTouched: Sendable {
        let times = Mutex<[String: Int64]>([:])
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { throw APIError(.unauthorized, "a bearer token is required") }
        guard header.lowercased().hasPrefix("bearer "), case let secret = header.dropFirst(7).trimmingCharacters(in: .whitespaces), !secret.isEmpty else {
            throw APIError(.unauthorized, "the Authorization header must be 'Bearer TOKEN'")
        }
        let hash = APITokenSecret.hash(secret)
        let database = database
        // Off the cooperative pool, like every store call of the API (APIEnvironment+Blocking).
        let found = try await NIOThreadPool.singleton.runIfActive { try database.activeAPIToken(hash: hash) }
        guard let token = found, let role = APIRole(rawValue: token.role) else {
            throw APIError(.unauthorized, "unknown or revoked token")
        }
        // Intake is off the staff ladder: it reaches its own routes only, whatever any other
        // route's check would say, so a kiosk's token can never read a ticket or a resident.
        if role == .intake, !Self.intakeMayReach(request) {
            throw APIError(.forbidden, "the intake role may only create requests, read their status and the catalogue")
        }
        let now = nowMs()
        let due = lastTouched.times.withLock { times in
            guard now - (times[hash] ?? 0) >= 60_000 else { return false }
            times[hash] = now
            return true
        }
        if due { _ = try? await NIOThreadPool.singleton.runIfActive { try database.touchAPIToken(hash: hash, nowMs: now) } }
        var context = context
        context.caller = APICaller(name: token.name, role: role, tokenHash: hash)
        return try await next(request, context)
    }

    /// `POST /api/v1/requests`, `GET /api/v1/requests/{request_id}` and `GET /api/v1/catalogue`.
    static func intakeMayReach(_ request: Request) -> Bool {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v1" else { return false }
        switch (request.method, parts[2], parts.count) {
        case (.post, "requests", 3), (.get, "requests", 4), (.get, "catalogue", 3): return true
        default: return false
        }
    }
}
