import Crypto
import Foundation

/// What a token's holder may do; each role includes the ones before it.
public enum APIRole: String, Sendable, CaseIterable, Comparable {
    /// Reads tickets, devices, reports and events, without personal data.
    case viewer
    /// Also acts on tickets and logs requests; sees personal data to find a resident.
    case responder
    case admin

    public static func < (lhs: APIRole, rhs: APIRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
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
