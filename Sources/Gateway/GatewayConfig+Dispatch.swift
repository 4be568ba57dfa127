import Devices
import Formats
import Foundation
import GridDispatch
import Tickets

extension GatewayConfig {
    mutating func readDispatch(_ section: YAMLMapping, source: YAMLSource, resolve: (String) -> String, diagnostics: inout DiagnosticList) {
        section.rejectUnknownKeys(["max_distance", "arrival_radius", "position_fresh_for", "resources", "resources_per_class", "candidates"],
                                  what: "'dispatch'", diagnostics: &diagnostics)
        if let metres = distance("max_distance", in: section, source: source, diagnostics: &diagnostics) {
            dispatch.settings.maxDistanceMetres = metres
        }
        if let metres = distance("arrival_radius", in: section, source: source, diagnostics: &diagnostics) {
            dispatch.settings.arrivalRadiusMetres = metres
        }
        if let seconds = section.duration("position_fresh_for", diagnostics: &diagnostics) {
            dispatch.settings.positionFreshnessMs = Int64(seconds * 1000)
        }
        if let value = section.string("resources", diagnostics: &diagnostics) { dispatch.resourcesPath = value.isEmpty ? nil : resolve(value) }
        if let value = section.int("resources_per_class", in: 1...100, diagnostics: &diagnostics) {
            dispatch.settings.resourcesPerClass = value
        }
        if let value = section.int("candidates", in: 1...100, diagnostics: &diagnostics) { dispatch.settings.candidateLimit = value }
    }

    /// A distance setting: `3km`, `50m` or metres; more than 0 and at most 100 km.
    private func distance(_ key: String, in section: YAMLMapping, source: YAMLSource, diagnostics: inout DiagnosticList) -> Double? {
        guard let node = section[key] else { return nil }
        guard let text = node.scalar?.string, let metres = DistanceText.metres(text), metres > 0, metres <= 100_000 else {
            diagnostics.append(source.diagnostic(at: node, "'\(key)' must be a distance such as 3km or 50m (more than 0, at most 100km)"))
            return nil
        }
        return metres
    }

    /// The service resources file, read with every mistake reported; empty without one.
    public func loadServiceResources(diagnostics: inout DiagnosticList) -> ServiceResources {
        guard let path = dispatch.resourcesPath else { return ServiceResources() }
        return ServiceResources.load(path: path, diagnostics: &diagnostics)
    }
}
