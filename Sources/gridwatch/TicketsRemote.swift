import ArgumentParser
import Devices
import Formats
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Tickets

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

/// A blocking client of `/api/v1/tickets`: the command line does one request at a time.
struct TicketsRemote {
    let base: URL
    let token: String

    func get(_ path: String) throws -> JSONValue { try send("GET", path, body: nil) }

    func post(_ path: String, _ body: [String: JSONValue]) throws -> JSONValue { try send("POST", path, body: .object(body)) }

    private func send(_ method: String, _ path: String, body: JSONValue?) throws -> JSONValue {
        guard let url = URL(string: base.absoluteString + path) else { throw CommandFailure("bad API path \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.jsonText.utf8)
        }
        let outcome = Mutex<Result<(Int, Data), any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            outcome.withLock { $0 = error.map { .failure($0) } ?? .success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())) }
            done.signal()
        }.resume()
        done.wait()
        let (status, data) = try outcome.withLock { $0 }!.get()
        let value = try? JSONParser.parse(Array(data))
        guard (200..<300).contains(status) else {
            if case let .object(object)? = value, case let .string(message)? = object["error"] { throw CommandFailure("\(message) (HTTP \(status))") }
            throw CommandFailure("the API answered HTTP \(status)")
        }
        guard let value else { throw CommandFailure("the API's answer is not JSON") }
        return value
    }
}
