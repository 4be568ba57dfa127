import ArgumentParser
import Devices
import Formats
import Foundation
import HTTPAPI
import Storage

/// `gridwatch token create|list|revoke`: the API's bearer tokens. A token is printed once,
/// when it is made; only its SHA-256 is stored.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens for staff, screens and programs.",
                                                    subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token and print it once.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Who or what holds it: recorded as the actor of its actions (e.g. wang, duty-room-screen).") var name: String
        @Option(help: "viewer, responder or admin (the staff ladder), or intake (an app's backend or a kiosk: residents' requests only).") var role: String

        func run() throws {
            guard let role = APIRole(rawValue: role) else { throw CommandFailure("--role must be one of: \(APIRole.allCases.map(\.rawValue).joined(separator: ", "))") }
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 64, !trimmed.contains(where: { $0.isNewline }) else {
                throw CommandFailure("--name must be 1-64 characters on one line")
            }
            // A fresh installation makes its tokens before the first `run`.
            let database = try store.openDatabase(create: true)
            let secret = APITokenSecret.generate()
            do {
                try database.createAPIToken(name: trimmed, role: role.rawValue, hash: APITokenSecret.hash(secret),
                                            nowMs: Int64(Date().timeIntervalSince1970 * 1000))
            } catch let error as APITokenStoreError { throw CommandFailure(error.description) }
            print(secret)
            FileHandle.standardError.write(Data("token '\(trimmed)' (\(role.rawValue)) created; it is shown only this once\n".utf8))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every token: name, role, made, last used, revoked (never the secret).")
        @OptionGroup var store: StoreOptions
        @Option(help: "text or json.") var format: OutputFormat = .text

        func run() throws {
            let tokens = try store.openDatabase().apiTokens()
            switch format {
            case .json:
                for token in tokens {
                    print(JSONValue.object(["name": .string(token.name), "role": .string(token.role), "created_at": TimeText.format(milliseconds: token.createdAtMs),
                                            "last_used_at": TimeText.format(milliseconds: token.lastUsedAtMs),
                                            "revoked_at": TimeText.format(milliseconds: token.revokedAtMs)]).jsonText)
                }
            case .text:
                for token in tokens {
                    let state = token.revokedAtMs.map { "revoked \(TimeText.text(milliseconds: $0))" } ?? "active"
                    print("\(token.name)\t\(token.role)\tcreated \(TimeText.text(milliseconds: token.createdAtMs))\tlast used \(TimeText.text(milliseconds: token.lastUsedAtMs))\t\(state)")
                }
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once: its next request is refused.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The token's name.") var name: String

        func run() throws {
            do {
                try store.openDatabase().revokeAPIToken(name: name, nowMs: Int64(Date().timeIntervalSince1970 * 1000))
            } catch let error as APITokenStoreError { throw CommandFailure(error.description) }
            print("token '\(name)' revoked")
        }
    }
}
