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
}
