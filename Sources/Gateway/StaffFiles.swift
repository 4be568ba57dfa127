import Devices
import Formats
import Foundation
import GridDispatch
import Yams

/// The roster (`staff.roster`, CSV) and the weekly shifts (`staff.shifts`, YAML) read
/// together: what `run` starts the staff board from, what a reload replaces it with, and
/// what `check` reports, every mistake in either file at its line and column.
public struct StaffFiles: Sendable {
    public var roster: StaffRoster
    public var schedule: ShiftSchedule

    /// No roster configured: nobody to dispatch, and every live position is refused.
    public static let empty = StaffFiles(roster: StaffRoster(members: []), schedule: .everyoneOnDuty(StaffRoster(members: [])))

    public init(roster: StaffRoster, schedule: ShiftSchedule) {
        self.roster = roster
        self.schedule = schedule
    }

    /// Reads the files `config` names; without `staff.shifts` everyone on the roster is on duty.
    public static func load(_ config: GatewayConfig, diagnostics: inout DiagnosticList) -> StaffFiles {
        guard let rosterPath = config.staffRosterPath else { return .empty }
        let roster = StaffRoster.load(path: rosterPath, diagnostics: &diagnostics)
        guard let shiftsPath = config.staffShiftsPath else { return StaffFiles(roster: roster, schedule: .everyoneOnDuty(roster)) }
        let source = YAMLSource.load(path: shiftsPath, into: &diagnostics)
        let entries = source.root.map { shiftEntries($0, source: source, diagnostics: &diagnostics) } ?? []
        return StaffFiles(roster: roster, schedule: ShiftSchedule.parse(entries, path: shiftsPath, roster: roster, diagnostics: &diagnostics))
    }

    /// The shift file's entries with their positions: the file is a list of mappings
    /// `{staff: ID | team: TEAM, days: [mon, ...], from: "HH:MM", to: "HH:MM"}`.
    static func shiftEntries(_ root: Node, source: YAMLSource, diagnostics: inout DiagnosticList) -> [ShiftEntrySource] {
        guard let items = root.sequence else {
            diagnostics.append(source.diagnostic(at: root, "the shifts file must be a list of shifts ({staff|team, days, from, to})"))
            return []
        }
        return items.compactMap { item in
            guard let entry = YAMLMapping(item, in: source, what: "a shift", diagnostics: &diagnostics) else { return nil }
            entry.rejectUnknownKeys(["staff", "team", "days", "from", "to"], what: "a shift", diagnostics: &diagnostics)
            let mark = item.mark
            return ShiftEntrySource(line: mark?.line ?? 1, column: mark?.column ?? 1,
                                    staff: scalar(entry, "staff", diagnostics: &diagnostics), team: scalar(entry, "team", diagnostics: &diagnostics),
                                    days: days(entry, diagnostics: &diagnostics),
                                    from: scalar(entry, "from", diagnostics: &diagnostics), to: scalar(entry, "to", diagnostics: &diagnostics))
        }
    }

    /// A scalar value as written (so `08:00` stays text, not YAML 1.1's base-60 number).
    private static func scalar(_ entry: YAMLMapping, _ key: String, diagnostics: inout DiagnosticList) -> Positioned<String>? {
        guard let node = entry[key] else { return nil }
        guard let text = node.scalar?.string else {
            diagnostics.append(entry.source.diagnostic(at: node, "'\(key)' must be a single value"))
            return nil
        }
        return positioned(text, node)
    }

    private static func days(_ entry: YAMLMapping, diagnostics: inout DiagnosticList) -> Positioned<[Positioned<String>]>? {
        guard let node = entry["days"] else { return nil }
        guard let items = node.sequence else {
            diagnostics.append(entry.source.diagnostic(at: node, "'days' must be a list such as [mon, tue, wed]"))
            return nil
        }
        var days: [Positioned<String>] = []
        for item in items {
            guard let text = item.scalar?.string else {
                diagnostics.append(entry.source.diagnostic(at: item, "items of 'days' must be day names"))
                continue
            }
            days.append(positioned(text, item))
        }
        let mark = node.mark
        return Positioned(days, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func positioned(_ text: String, _ node: Node) -> Positioned<String> {
        Positioned(text, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }
}
