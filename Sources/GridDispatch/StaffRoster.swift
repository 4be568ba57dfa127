import Devices
import Formats
import Foundation

/// The staff roster (`staff.roster`), read from CSV with a header line
/// `id,name,team,grids,skills,phone,lat,lon` (columns in any order; `grids` and `skills`
/// separated by `;`). Every bad row is reported with its line and column, all at once.
public struct StaffRoster: Sendable, Hashable {
    public static let columns = ["id", "name", "team", "grids", "skills", "phone", "lat", "lon"]
    public static let requiredColumns = ["id", "name", "team", "lat", "lon"]

    /// In file order.
    public private(set) var members: [StaffMember]
    private var positionByID: [String: Int]

    public init(members: [StaffMember]) {
        var kept: [StaffMember] = []
        var positionByID: [String: Int] = [:]
        for member in members where positionByID[member.id] == nil {
            positionByID[member.id] = kept.count
            kept.append(member)
        }
        self.members = kept
        self.positionByID = positionByID
    }

    public subscript(id: String) -> StaffMember? { positionByID[id].map { members[$0] } }

    public var teams: Set<String> { Set(members.map(\.team)) }

    /// Parses `text`; rows with errors are left out, the rest are kept.
    public static func parse(_ text: String, path: String, diagnostics: inout DiagnosticList) -> StaffRoster {
        let rows = CSVText.rows(text)
        guard let table = CSVColumns(rows: rows, path: path, what: "staff roster", columns: columns,
                                     required: requiredColumns, diagnostics: &diagnostics) else { return StaffRoster(members: []) }
        var members: [StaffMember] = []
        var firstLine: [String: Int] = [:]
        for row in rows.dropFirst() {
            guard table.isReadable(row, diagnostics: &diagnostics) else { continue }
            let member = member(in: row, table: table, firstLine: firstLine, diagnostics: &diagnostics)
            // A bad row still claims its id, so a later copy is reported as the duplicate it is.
            let id = table.value("id", in: row)
            if !id.isEmpty, firstLine[id] == nil { firstLine[id] = row.line }
            if let member { members.append(member) }
        }
        return StaffRoster(members: members)
    }

    /// Reads and parses the roster file at `path`.
    public static func load(path: String, diagnostics: inout DiagnosticList) -> StaffRoster {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            diagnostics.append(Diagnostic(file: path, line: 1, column: 1, message: "cannot read staff roster (missing or not UTF-8)"))
            return StaffRoster(members: [])
        }
        return parse(text, path: path, diagnostics: &diagnostics)
    }

    /// One row as a member, or nil once every problem in it is reported.
    private static func member(in row: CSVText.Row, table: CSVColumns, firstLine: [String: Int],
                               diagnostics: inout DiagnosticList) -> StaffMember? {
        let before = diagnostics.items.count
        let id = table.required("id", in: row, diagnostics: &diagnostics)
        let name = table.required("name", in: row, diagnostics: &diagnostics)
        let team = table.required("team", in: row, diagnostics: &diagnostics)
        if let id, !TopicLayout.isValidSegment(id) {
            // The id is a segment of the live-position topic gridwatch/{community}/staff/{id}/location.
            table.report("staff id '\(id)' may not contain '/', '+', '#' or spaces", at: "id", in: row, diagnostics: &diagnostics)
        }
        if let id, let earlier = firstLine[id] {
            table.report("staff '\(id)' is already listed on line \(earlier)", at: "id", in: row, diagnostics: &diagnostics)
        }
        let phone = table.phone(in: row, diagnostics: &diagnostics)
        let base = table.point(in: row, diagnostics: &diagnostics)
        guard diagnostics.items.count == before, let id, let name, let team, let phone, let base else { return nil }
        return StaffMember(id: id, name: name, team: team, grids: table.list("grids", in: row),
                           skills: table.list("skills", in: row), phone: phone, base: base)
    }
}
