import Foundation

/// The staff roster as the twin reads it: who walks, and from where
/// (`id,name,team,grids,skills,phone,lat,lon`, shared DESIGN.md "Grids, staff and dispatch").
///
/// The gateway checks the roster strictly; the twin only needs ids and base positions, so it
/// is tolerant: a row it cannot use is skipped and counted, never fatal. Columns are found
/// by the header's names (any order); a file without a header is read in the contract's order.
public struct TwinRoster: Sendable, Hashable {
    /// One person the twin can send.
    public struct Person: Sendable, Hashable {
        public var id: String
        public var name: String
        public var team: String
        public var base: MapPoint

        public init(id: String, name: String = "", team: String = "", base: MapPoint) {
            self.id = id
            self.name = name
            self.team = team
            self.base = base
        }
    }

    /// The contract's column order.
    public static let columns = ["id", "name", "team", "grids", "skills", "phone", "lat", "lon"]

    public var people: [Person] = []
    /// Rows skipped, each as `line N: why`.
    public var skipped: [String] = []

    public init(people: [Person]) {
        self.people = people
    }

    /// Reads a roster file; only a file that cannot be read is an error.
    public init(path: String) throws {
        self.init(csv: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// Reads roster text; blank lines and `#` comments are ignored.
    public init(csv text: String) {
        var index: [String: Int]?
        var seen: Set<String> = []
        // `\r\n` is one Character in Swift, so splitting on "\n" alone would not split CRLF files.
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty, !line.hasPrefix("#") else { continue }
            let fields = Self.fields(of: line)
            if index == nil {
                let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                let header = names.contains("id") && names.contains("lat") && names.contains("lon")
                index = Dictionary((header ? names : Self.columns).enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                if header { continue }
            }
            guard let index else { continue }
            switch Self.person(fields, index: index) {
            case let .success(person) where seen.insert(person.id).inserted:
                people.append(person)
            case .success(let person):
                skipped.append("line \(offset + 1): duplicate id \(person.id)")
            case let .failure(problem):
                skipped.append("line \(offset + 1): \(problem.reason)")
            }
        }
    }

    /// Why a row was skipped.
    struct RowProblem: Error {
        var reason: String
    }

    static func person(_ fields: [String], index: [String: Int]) -> Result<Person, RowProblem> {
        func field(_ name: String) -> String {
            guard let column = index[name], column < fields.count else { return "" }
            return fields[column].trimmingCharacters(in: .whitespaces)
        }
        let id = field("id")
        guard !id.isEmpty else { return .failure(RowProblem(reason: "no id")) }
        guard !id.contains("/"), !id.contains("+"), !id.contains("#") else {
            return .failure(RowProblem(reason: "id \(id) cannot be an MQTT topic segment"))
        }
        guard let latitude = Double(field("lat")), let longitude = Double(field("lon")) else {
            return .failure(RowProblem(reason: "no base position (lat, lon) for \(id)"))
        }
        let base = MapPoint(latitude: latitude, longitude: longitude)
        guard base.isValid else { return .failure(RowProblem(reason: "base position of \(id) out of range")) }
        return .success(Person(id: id, name: field("name"), team: field("team"), base: base))
    }

    /// The fields of one CSV line, RFC 4180 quoting (`"a, b"`, `""` for a quote) undone;
    /// the counterpart of `CSVText.escape`.
    static func fields(of line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    // A doubled quote is a literal one; a single quote ends the quoted part.
                    if let following = iterator.next() {
                        if following == "\"" { current.append("\"") } else {
                            quoted = false
                            if following == "," { fields.append(current); current = "" } else { current.append(following) }
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
