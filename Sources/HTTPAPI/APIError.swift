import Foundation
import Hummingbird

/// An API failure with the status and the message the caller sees as `{"error": "..."}`.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}

/// Turns every failure into `{"error": "..."}` with its status, so clients parse one shape,
/// and adds the headers that keep the dashboard to its own origin.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = Self.failure(error.status, error.message)
            if error.status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        } catch let error as any HTTPResponseError {
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase.lowercased()
            response = Self.failure(error.status, message)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = Self.failure(.internalServerError, "internal error")
        }
        // No third-party origin may load into or from these pages (the dashboard works offline).
        response.headers[.contentSecurityPolicy] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        return response
    }

    static func failure(_ status: HTTPResponse.Status, _ message: String) -> Response {
        APIResponse.json(.object(["error": .string(message)]), status: status)
    }
}
