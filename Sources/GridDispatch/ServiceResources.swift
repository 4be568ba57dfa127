import Devices
import Formats
import Foundation

/// One resource found for a ticket, with how far it is from the ticket's location.
public struct ResourceMatch: Sendable, Hashable, Codable {
    public var id: String
    public var resourceClass: String
    public var distanceMetres: Int

    public init(id: String, resourceClass: String, distanceMetres: Int) {
        self.id = id
        self.resourceClass = resourceClass
        self.distanceMetres = distanceMetres
    }

    /// The contract's snake_case names.
    enum CodingKeys: String, CodingKey {
        case id
        case resourceClass = "class"
        case distanceMetres = "distance_m"
    }
}

/// The service resources (`dispatch.resources`), read from CSV with a header line
/// `id,name,class,lat,lon,phone,hours` (columns in any order); every bad row is reported
/// with its line and column, all at once.
public struct ServiceResources: Sendable, Hashable {
    public static let columns = ["id", "name", "class", "lat", "lon", "phone", "hours"]
    public static let requiredColumns = ["id", "name", "class", "lat", "lon"]

    public var resources: [ServiceResource]

    public init(resources: [ServiceResource] = []) { self.resources = resources }

    /// The nearest `perClass` resources of each class in `classes` within `maxDistanceMetres`
    /// of `location`, nearest first (ties by id, so the list never reorders between runs).
    public func nearest(classes: [String], to location: GeoPoint, maxDistanceMetres: Double, perClass: Int = 1) -> [ResourceMatch] {
        let wanted = Set(classes)
        let byClass = Dictionary(grouping: resources.filter { wanted.contains($0.resourceClass) }, by: \.resourceClass)
        var matches: [(resource: ServiceResource, distanceMetres: Double)] = []
        for (_, candidates) in byClass {
            let inReach = candidates
                .map { (resource: $0, distanceMetres: $0.location.distanceMetres(to: location)) }
                .filter { $0.distanceMetres <= maxDistanceMetres }
                .sorted { ($0.distanceMetres, $0.resource.id) < ($1.distanceMetres, $1.resource.id) }
            matches.append(contentsOf: inReach.prefix(max(perClass, 0)))
        }
        return matches
            .sorted { ($0.distanceMetres, $0.resource.id) < ($1.distanceMetres, $1.resource.id) }
            .map { ResourceMatch(id: $0.resource.id, resourceClass: $0.resource.resourceClass,
                                 distanceMetres: Int($0.distanceMetres.rounded())) }
    }

    /// Parses `text`; rows with errors are left out, the rest are kept.
    public static func parse(_ text: String, path: String, diagnostics: inout DiagnosticList) -> ServiceResources {
        let rows = CSVText.rows(text)
        guard let table = CSVColumns(rows: rows, path: path, what: "service resources", columns: columns,
                                     required: requiredColumns, diagnostics: &diagnostics) else { return ServiceResources() }
        var resources: [ServiceResource] = []
        var firstLine: [String: Int] = [:]
        for row in rows.dropFirst() {
            guard table.isReadable(row, diagnostics: &diagnostics) else { continue }
            let before = diagnostics.items.count
            let id = table.required("id", in: row, diagnostics: &diagnostics)
            let name = table.required("name", in: row, diagnostics: &diagnostics)
            let resourceClass = table.required("class", in: row, diagnostics: &diagnostics)
            if let id, let earlier = firstLine[id] {
                table.report("resource '\(id)' is already listed on line \(earlier)", at: "id", in: row, diagnostics: &diagnostics)
            }
            let location = table.point(in: row, diagnostics: &diagnostics)
            let phone = table.phone(in: row, diagnostics: &diagnostics)
            if let id, firstLine[id] == nil { firstLine[id] = row.line }
            guard diagnostics.items.count == before, let id, let name, let resourceClass, let location, let phone else { continue }
            resources.append(ServiceResource(id: id, name: name, resourceClass: resourceClass, location: location,
                                             phone: phone, hours: table.value("hours", in: row)))
        }
        return ServiceResources(resources: resources)
    }

    /// Reads and parses the resources file at `path`.
    public static func load(path: String, diagnostics: inout DiagnosticList) -> ServiceResources {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "cannot read service resources (missing or not UTF-8)"))
            return ServiceResources()
        }
        return parse(text, path: path, diagnostics: &diagnostics)
    }
}
