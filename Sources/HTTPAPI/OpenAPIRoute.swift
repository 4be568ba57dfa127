import Foundation
import Hummingbird

/// `GET /api/v1/openapi.yaml`: the API's OpenAPI 3.1 description (docs/openapi.yaml, compiled
/// in as a resource so an installed binary needs no file beside it). Behind a token like every
/// `/api/v1` path: the description holds nothing secret, but one rule for the whole prefix keeps
/// the authenticator without exceptions (docs/api.md).
struct OpenAPIRoute {
    /// The document's bytes as SwiftPM embedded them.
    static var document: [UInt8] { PackageResources.openapi_yaml }

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("openapi.yaml") { _, context -> Response in
            _ = try context.require(.viewer)
            return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
                            body: .init(byteBuffer: ByteBuffer(bytes: Self.document)))
        }
    }
}
