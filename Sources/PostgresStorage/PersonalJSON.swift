import Devices
import Formats
import Foundation

/// The JSON rewrites of personal-data retention, done in Swift rather than with jsonb: a
/// jsonb cast fails the whole statement on text PostgreSQL will not parse (a `\u0000` from a
/// device, a number beyond `numeric`), which would stop a retention walk for good, where
/// SQLite's `json_valid` guard passed such a row over; and `jsonb::text` respaces and reorders
/// what it writes. These functions pass over what is not JSON and write compact JSON with
/// sorted keys, the form gridwatch stores: evidence and event bodies come out exactly as
/// SQLite's `json_remove`/`json_set` leave them.
enum PersonalJSON {
    /// `text` without the top-level `keys` (SQLite's `json_remove(text, '$."key"', ...)`); the
    /// text itself when it has none of them or is JSON but no object; nil when it is not JSON.
    static func removingKeys(_ keys: Set<String>, from text: String) -> String? {
        guard let parsed = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        guard case let .object(members) = parsed, members.keys.contains(where: { keys.contains($0) }) else { return text }
        return JSONValue.object(members.filter { !keys.contains($0.key) }).jsonText
    }

    /// A live event's body without the ticket's position and with its evidence emptied: SQLite's
    /// `json_set(json_remove(body, '$.ticket.location.latitude', '$.ticket.location.longitude'),
    /// '$.ticket.evidence', json('[]'))`. Nil when the body is not JSON.
    static func scrubbedEventBody(_ text: String) -> String? {
        guard let parsed = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        guard case var .object(members) = parsed, case var .object(ticket)? = members["ticket"] else { return text }
        if case var .object(location)? = ticket["location"] {
            location["latitude"] = nil
            location["longitude"] = nil
            ticket["location"] = .object(location)
        }
        ticket["evidence"] = .array([])
        members["ticket"] = .object(ticket)
        return numberedText(members)
    }

    /// An event body as `numberedBody` writes it: `seq` first, then the rest with sorted keys.
    static func numberedText(_ members: [String: JSONValue]) -> String {
        guard let seq = members["seq"] else { return JSONValue.object(members).jsonText }
        var rest = members
        rest["seq"] = nil
        return "{\"seq\":\(seq.jsonText)" + (rest.isEmpty ? "}" : "," + JSONValue.object(rest).jsonText.dropFirst())
    }

    /// `body` (a JSON object without `name`) with `"name":value` appended as its last member:
    /// what SQLite's `json_set(body, '$.name', value)` makes of a fresh ticket body.
    static func appendingMember(_ name: String, _ value: Int64, to body: String) -> String {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasSuffix("}") else { return body }
        let open = trimmed.dropLast().trimmingCharacters(in: .whitespacesAndNewlines)
        return open + (open == "{" ? "" : ",") + JSONValue.string(name).jsonText + ":\(value)}"
    }

    /// A test that `column` mentions any of the names bound as the text array `$index`: the
    /// quoted name as text, as SQLite's step looks for it (a rare false hit costs one no-op
    /// rewrite), so only candidate rows are fetched and parsed.
    static func mentionsAny(_ column: String, namesAt index: Int) -> String {
        "EXISTS (SELECT 1 FROM unnest($\(index)::text[]) AS n(needle) WHERE strpos(\(column), n.needle) > 0)"
    }

    /// The quoted names `mentionsAny` looks for; names lose any `"`, as SQLite's paths do.
    static func needles(_ fields: [String]) -> (keys: Set<String>, needles: [String]) {
        let names = fields.map { $0.replacingOccurrences(of: "\"", with: "") }
        return (Set(names), names.map { "\"\($0)\"" })
    }
}
