import AsyncHTTPClient
import Devices
import Formats
import Foundation
import NIOCore
import NIOHTTP1

/// What one POST came to: delivered, or the error to record and retry on.
public struct WebhookAttemptResult: Sendable, Hashable {
    /// The HTTP status, when an answer came at all.
    public var status: Int?
    /// Why it did not count as delivered; nil when it did.
    public var error: String?

    public var delivered: Bool { error == nil }
}

/// POSTs webhook requests with AsyncHTTPClient and judges the answer. A 2xx counts as
/// delivered unless its body is a chat platform's error: WeCom and DingTalk robots answer
/// 200 with `{"errcode": N}` and Feishu with `{"code": N, "msg": ...}` when they refuse a
/// message (a rate limit during an alarm storm, say), which must be retried, not lost.
public struct WebhookSender: Sendable {
    let client: HTTPClient

    public init(client: HTTPClient = .shared) { self.client = client }

    public func send(_ request: WebhookRequest, timeoutSeconds: Double) async -> WebhookAttemptResult {
        var http = HTTPClientRequest(url: request.url)
        http.method = .POST
        for header in request.headers { http.headers.replaceOrAdd(name: header.name, value: header.value) }
        http.body = .bytes(request.body)
        do {
            let response = try await client.execute(http, timeout: .milliseconds(Int64(timeoutSeconds * 1000)))
            let body = try await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else { return WebhookAttemptResult(status: status, error: "HTTP \(status)") }
            return WebhookAttemptResult(status: status, error: Self.platformError(Array(body.readableBytesView)).map { "HTTP \(status) but \($0)" })
        } catch {
            return WebhookAttemptResult(status: nil, error: Self.describe(error, url: request.url))
        }
    }

    /// The refusal a chat platform put in a 2xx body, if any.
    static func platformError(_ body: [UInt8]) -> String? {
        guard !body.isEmpty, case let .object(members)? = try? JSONParser.parse(body) else { return nil }
        if case let .int(code)? = members["errcode"], code != 0 {
            return "errcode \(code): \(Self.text(members["errmsg"]))"
        }
        if case let .int(code)? = members["code"], code != 0, members["msg"] != nil {
            return "code \(code): \(Self.text(members["msg"]))"
        }
        return nil
    }

    static func text(_ value: JSONValue?) -> String {
        if case let .string(text)? = value { return String(text.prefix(160)) }
        return ""
    }

    /// A short error for the delivery row and the log, with the URL taken out (a robot's URL
    /// carries its key).
    static func describe(_ error: any Error, url: String) -> String {
        var text = "\(error)"
        if let clientError = error as? HTTPClientError, clientError == .deadlineExceeded || clientError == .readTimeout
            || clientError == .connectTimeout {
            text = "timeout (\(clientError))"
        }
        text = text.replacingOccurrences(of: url, with: "<url>")
        if let query = url.firstIndex(of: "?") { text = text.replacingOccurrences(of: String(url[query...]), with: "?<hidden>") }
        return String(text.prefix(300))
    }
}
