import Hummingbird

/// Who made a request: the token's owner, recorded as the actor of what they do.
public struct APICaller: Sendable, Hashable {
    public var name: String
    public var role: APIRole
    /// The token's stored hash, so a long-lived stream can notice its revocation.
    public var tokenHash: String = ""

    /// Viewers see tickets and devices without personal data.
    public var seesPersonalData: Bool { role.grants(.responder) }
}

/// The request context of gridwatch's router: Hummingbird's core plus the caller once the
/// token is checked.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: APICaller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The caller, when their role is at least `role`; 401 or 403 otherwise.
    public func require(_ role: APIRole) throws -> APICaller {
        guard let caller else { throw APIError(.unauthorized, "a bearer token is required") }
        guard caller.role.grants(role) else {
            throw APIError(.forbidden, "the \(caller.role.rawValue) role may not do this (needs \(role.rawValue))")
        }
        return caller
    }

    /// The caller, when they hold `intake` or at least `role` on the staff ladder; 401 or 403 otherwise.
    public func require(intakeOr role: APIRole) throws -> APICaller {
        guard let caller else { throw APIError(.unauthorized, "a bearer token is required") }
        guard caller.role == .intake || caller.role.grants(role) else {
            throw APIError(.forbidden, "the \(caller.role.rawValue) role may not do this (needs intake or \(role.rawValue))")
        }
        return caller
    }
}
