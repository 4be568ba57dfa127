import Foundation

/// A `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE` store URL, as `storage.url` and
/// `--store` give it. The password should come from `storage.password_file` or `PGPASSWORD`;
/// one written in the URL is accepted but never printed (`redacted` is what logs and errors show).
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String

    /// Whether `text` names a PostgreSQL store rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(parsing text: String) throws {
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw PostgresStoreError("'\(Self.redact(text))' is not a store URL of the form postgresql://USER@HOST:PORT/DATABASE")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresStoreError("store URL \(Self.redact(text)) names no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresStoreError("store URL \(Self.redact(text)) names no user") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw PostgresStoreError("store URL \(Self.redact(text)) names no database") }
        self.user = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.host = host
        port = components.port ?? 5432
        self.database = database
    }

    /// The URL without its password: what logs, `/readyz` and error messages show.
    public var redacted: String { "postgresql://\(user)@\(host):\(port)/\(database)" }
    public var description: String { redacted }

    /// `text` with any password between `:` and `@` replaced, for errors about a URL that did not parse.
    public static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex) else { return text }
        let credentials = text[scheme.upperBound..<at.lowerBound]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at.lowerBound...])
    }
}
