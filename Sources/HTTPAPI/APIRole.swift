import Crypto
import Foundation

/// What a token's holder may do. `viewer` < `responder` < `admin` is a ladder: each includes
/// the ones before it. `intake` (a community app's backend, a kiosk) stands off the ladder: it
/// may create residents' requests, read their status and the catalogue, and nothing else, so
/// it is below no role and above none, and `require` never grants it a ladder route.
public enum APIRole: String, Sendable, CaseIterable {
    /// Reads tickets, devices, reports and events, without personal data.
    case viewer
    /// Also acts on tickets and logs requests; sees personal data to find a resident.
    case responder
    case admin
    /// Creates residents' requests and reads their status; sees no ticket, device or person.
    case intake

    /// The role's step on the staff ladder; nil for `intake`, which is not on it.
    public var ladderStep: Int? {
        switch self {
        case .viewer: 0
        case .responder: 1
        case .admin: 2
        case .intake: nil
        }
    }

    /// Whether this role may do what `needed` may: same role, or a higher step of the ladder.
    public func grants(_ needed: APIRole) -> Bool {
        if self == needed { return true }
        guard let step = ladderStep, let neededStep = needed.ladderStep else { return false }
        return step >= neededStep
    }
}

/// A bearer token's secret: made once, shown once, stored only as its SHA-256.
public enum APITokenSecret {
    /// 32 random bytes from the system's CSPRNG, base64url, with a prefix that secret
    /// scanners and people recognise.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "gw_" + base64
    }

    /// Hex SHA-256: a fast hash is enough, the secret has 256 bits of entropy (nothing to brute-force).
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
