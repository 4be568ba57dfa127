import Crypto
import Devices
import Formats
import Foundation
import Storage

/// The HTTP request for one delivery, built without I/O: the body (the stored event JSON
/// byte for byte, or the template rendered over it) and the headers, signed when the webhook
/// has a secret.
///
/// Signature scheme, for receivers: `X-Gridwatch-Timestamp` is the Unix time in seconds when
/// the attempt was made and `X-Gridwatch-Signature` is `sha256=` + lower-case hex
/// HMAC-SHA256(secret, timestamp + "." + body bytes). Receivers recompute it over the raw
/// body, compare in constant time, refuse timestamps more than 5 minutes off (replays), and
/// deduplicate on `X-Gridwatch-Delivery` (retries of a delivery keep their id).
public struct WebhookRequest: Sendable {
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// Builds the request for `delivery` of `event` to `webhook`, as attempted at `nowMs`.
    public static func make(webhook: WebhookConfig, deliveryID: Int64, event: StoredTicketEvent, nowMs: Int64) -> WebhookRequest {
        let body: [UInt8]
        if let template = webhook.template {
            body = Array(template.render(context(for: event, language: webhook.language)).utf8)
        } else {
            body = Array(event.body.utf8)
        }
        var headers: [(name: String, value: String)] = webhook.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        headers += [
            ("Content-Type", "application/json"),
            ("User-Agent", "gridwatch"),
            ("X-Gridwatch-Event", event.event),
            ("X-Gridwatch-Delivery", String(deliveryID)),
        ]
        if let secret = webhook.secret {
            let timestamp = String(nowMs / 1000)
            headers.append(("X-Gridwatch-Timestamp", timestamp))
            headers.append(("X-Gridwatch-Signature", "sha256=" + WebhookSignature.sign(secret: secret, timestamp: timestamp, body: body)))
        }
        return WebhookRequest(url: webhook.url, headers: headers, body: body)
    }

    /// The object placeholders are resolved in: the event JSON, plus the stored columns
    /// (`severity`, `community`, `seq`, ...) where the JSON does not carry them at the top,
    /// so `{{severity}}` works for every event.
    /// `language` picks the ticket's title from its `titles` for `{{ticket.title}}`.
    public static func context(for event: StoredTicketEvent, language: String = "en") -> JSONValue {
        var members: [String: JSONValue] = [:]
        if case let .object(parsed)? = try? JSONParser.parse(Array(event.body.utf8)) { members = parsed }
        if case var .object(ticket)? = members["ticket"], case let .object(titles)? = ticket["titles"],
           let title = titles[language.lowercased().hasPrefix("en") ? "en" : "zh"] {
            ticket["title"] = title
            members["ticket"] = .object(ticket)
        }
        let columns: [String: JSONValue] = ["seq": .int(event.seq), "event": .string(event.event), "ticket_id": .string(event.ticketID),
                                            "community": .string(event.community), "severity": .string(event.severity),
                                            "at": .string(RFC3339.format(milliseconds: event.atMs))]
        for (key, value) in columns where members[key] == nil { members[key] = value }
        return .object(members)
    }
}

/// HMAC-SHA256 signatures of webhook bodies (the scheme is described on `WebhookRequest`).
public enum WebhookSignature {
    /// Lower-case hex HMAC-SHA256 of `message` under `key`.
    public static func hmacSHA256Hex(key: [UInt8], message: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// The hex signature of one attempt: over the timestamp, a dot and the exact body bytes,
    /// so a captured request cannot be replayed later under a fresh timestamp.
    public static func sign(secret: WebhookSecret, timestamp: String, body: [UInt8]) -> String {
        hmacSHA256Hex(key: secret.bytes, message: Array((timestamp + ".").utf8) + body)
    }
}
