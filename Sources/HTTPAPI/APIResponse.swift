import Devices
import Formats
import Foundation
import Hummingbird
import NIOCore

/// JSON in and out of the API: responses from `JSONValue` or `Encodable`, request bodies read
/// with a size limit and parsed into an object.
enum APIResponse {
    /// Larger bodies get 413 before they are read: no action needs more than a comment's text.
    static let maxBodyBytes = 64 * 1024

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: value.jsonText)))
    }

    static func encoded(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// The request's JSON object body; an empty body counts as `{}`.
    static func object(_ request: Request) async throws -> [String: JSONValue] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIError(.contentTooLarge, "the body is larger than \(maxBodyBytes / 1024) KiB")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the body is larger than \(maxBodyBytes / 1024) KiB")
        }
        let bytes = Array(buffer.readableBytesView)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw APIError(.badRequest, "the body is not valid JSON: \(error)") }
        guard case let .object(members) = value else { throw APIError(.badRequest, "the body must be a JSON object") }
        return members
    }

    /// A string member, or nil; 400 when present with another type.
    static func string(_ members: [String: JSONValue], _ name: String) throws -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case let .string(text)?: return text
        case let other?: throw APIError(.badRequest, "'\(name)' must be a string, not \(other.kindName)")
        }
    }

    /// A required, non-blank string member.
    static func requiredString(_ members: [String: JSONValue], _ name: String, for what: String) throws -> String {
        guard let text = try string(members, name), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError(.badRequest, "\(what) needs '\(name)'")
        }
        return text
    }

    /// An RFC 3339 query parameter.
    static func moment(_ request: Request, _ name: String) throws -> Int64? {
        guard let text = request.uri.queryParameters[Substring(name)] else { return nil }
        guard let ms = RFC3339.parseMilliseconds(String(text)) else { throw APIError(.badRequest, "'\(name)' must be RFC 3339, e.g. 2026-11-22T08:00:00+08:00") }
        return ms
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }
}
