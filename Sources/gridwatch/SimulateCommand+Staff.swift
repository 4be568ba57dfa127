import ArgumentParser
import Foundation
import Simulation
import Synchronization
import Yams

extension SimulateCommand {
    /// The twin's staff: from `--staff`, else from the `--config` file's `staff.roster` when
    /// that file exists; none with `--no-staff`. Rows the twin cannot use are reported and
    /// skipped; a roster with nobody usable is an error.
    func loadStaff(fleet: [FleetDevice], startDate: Date) throws -> StaffTwin? {
        if noStaff {
            if staff != nil { throw ValidationError("--staff and --no-staff exclude each other") }
            return nil
        }
        let path: String
        if let staff {
            path = staff
        } else if let config, let configured = Self.configuredRosterPath(configPath: config),
                  FileManager.default.fileExists(atPath: configured) {
            path = configured
        } else {
            return nil
        }
        let roster: TwinRoster
        do { roster = try TwinRoster(path: path) } catch { throw CommandFailure("cannot read the staff roster \(path): \(error.localizedDescription)") }
        for problem in roster.skipped {
            FileHandle.standardError.write(Data("simulate: \(path): \(problem); skipped\n".utf8))
        }
        guard !roster.people.isEmpty else { throw CommandFailure("no usable staff in \(path) (every row needs an id, lat and lon)") }
        FileHandle.standardError.write(Data("simulate: \(roster.people.count) staff from \(path)\(roster.skipped.isEmpty ? "" : " (\(roster.skipped.count) rows skipped)")\n".utf8))
        let startMs = Int64((startDate.timeIntervalSince1970 * 1000).rounded())
        return StaffTwin(roster: roster, sites: StaffTwin.sites(of: fleet), defaultCommunity: fleet.first?.community ?? community,
                         startMs: startMs, seed: seed)
    }

    /// `staff.roster` of a configuration file, relative to that file's directory as every
    /// path in it is; nil when the file or the key is missing.
    static func configuredRosterPath(configPath: String) -> String? {
        guard let text = try? String(contentsOfFile: configPath, encoding: .utf8),
              let root = (try? Yams.load(yaml: text)) as? [String: Any],
              let section = root["staff"] as? [String: Any],
              let roster = section["roster"] as? String, !roster.isEmpty
        else { return nil }
        if roster.hasPrefix("/") { return roster }
        let directory = URL(fileURLWithPath: configPath).deletingLastPathComponent()
        return URL(fileURLWithPath: roster, relativeTo: directory).standardizedFileURL.path
    }
}
