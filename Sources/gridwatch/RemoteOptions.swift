import ArgumentParser
import Foundation

/// `--api URL`: the tickets commands against a running gateway's HTTP API instead of the
/// database file (docs/design.md §1.1), for a responder's laptop that has no access to the server's disk.
/// The token comes from `--token-file` or `GRIDWATCH_TOKEN`; the timeline records the token's
/// owner as the actor.
struct RemoteOptions: ParsableArguments {
    @Option(help: "A running gateway's base URL, e.g. http://10.0.0.5:8080: work through its API instead of the database.") var api: String?
    @Option(name: .customLong("token-file"), help: "File holding the API token (default: the GRIDWATCH_TOKEN environment variable).") var tokenFile: String?

    /// The client when `--api` is given.
    func client() throws -> TicketsRemote? {
        guard let api else { return nil }
        guard let base = URL(string: api.hasSuffix("/") ? String(api.dropLast()) : api), base.scheme == "http" || base.scheme == "https" else {
            throw ValidationError("--api must be an http:// or https:// URL")
        }
        var token = ProcessInfo.processInfo.environment["GRIDWATCH_TOKEN"]
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else { throw CommandFailure("cannot read --token-file \(tokenFile)") }
            token = text
        }
        guard let token = token?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw CommandFailure("--api needs a token: --token-file FILE or GRIDWATCH_TOKEN (gridwatch token create on the server)")
        }
        return TicketsRemote(base: base, token: token)
    }
}
