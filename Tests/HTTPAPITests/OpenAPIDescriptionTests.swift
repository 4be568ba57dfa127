import Foundation
import Hummingbird
import HummingbirdTesting
@testable import HTTPAPI
import Testing
import Yams

/// docs/openapi.yaml against the router: every route it registers is described (a new route
/// without a description fails here), nothing is described that is not served, and the gateway
/// serves exactly the repository's file. Whether the answers match the schemas is checked by
/// schemathesis against a live gateway (OpenAPIIntegrationTests).
@Suite struct OpenAPIDescriptionTests {
    static let path = APIRouteTests.root.appendingPathComponent("docs/openapi.yaml").path
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The YAML document as a tree; fails the test when it is not an OpenAPI 3.1 mapping.
    static func document() throws -> [String: Any] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any], "\(path) is not a YAML mapping")
        try #require((document["openapi"] as? String)?.hasPrefix("3.1") == true, "\(path) is not OpenAPI 3.1")
        return document
    }

    /// Each operation as `METHOD /path` with its description, `/api/v1/tickets/{id}` style.
    static func operations(_ document: [String: Any]) -> [String: [String: Any]] {
        var operations: [String: [String: Any]] = [:]
        for (path, item) in document["paths"] as? [String: Any] ?? [:] {
            for (method, operation) in item as? [String: Any] ?? [:] where methods.contains(method) {
                operations["\(method.uppercased()) \(path)"] = operation as? [String: Any] ?? [:]
            }
        }
        return operations
    }

    @Test func everyRouteTheRouterRegistersIsDescribedAndNothingElse() throws {
        let (router, _, _, _) = try APIRouteTests.router()
        // Hummingbird writes a capture as `{name}`, as OpenAPI does.
        let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let described = Set(Self.operations(try Self.document()).keys)
        #expect(registered.contains("POST /api/v1/tickets/{id}/{action}") && registered.contains("GET /healthz"), "\(registered.sorted())")
        #expect(registered.subtracting(described).isEmpty,
                "routes without a description in docs/openapi.yaml: \(registered.subtracting(described).sorted())")
        #expect(described.subtracting(registered).isEmpty, "described but not served: \(described.subtracting(registered).sorted())")
    }

    @Test func everyAPIOperationSaysHowItIsRefusedWithoutAToken() throws {
        let document = try Self.document()
        for (name, operation) in Self.operations(document) where name.contains(" /api/v1/") {
            let responses = operation["responses"] as? [String: Any] ?? [:]
            #expect(responses["401"] != nil, "\(name) does not list 401")
            #expect(operation["security"] == nil, "\(name) overrides the bearer requirement, which every /api/v1 path has")
        }
        let schemes = (document["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
        #expect((schemes?["bearer"] as? [String: Any])?["scheme"] as? String == "bearer")
    }

    @Test func theGatewayServesTheRepositorysFileBehindAToken() async throws {
        let (router, viewer, _, _) = try APIRouteTests.router()
        let file = try Data(contentsOf: URL(fileURLWithPath: Self.path))
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/v1/openapi.yaml", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/openapi.yaml", method: .get, headers: [.authorization: "Bearer \(viewer)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
                #expect(Data(response.body.readableBytesView) == file, "the binary's copy differs from docs/openapi.yaml: rebuild")
            }
        }
    }
}
