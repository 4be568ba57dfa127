import Devices
import Formats
import Foundation
import GridDispatch
import Logging

/// Reloads the roster and shifts like the rules: on SIGHUP or when either file changes
/// (polled by size and modification time). A reload with any error keeps the roster and
/// shifts in force and logs every error with its line and column.
struct StaffFileWatch {
    let config: GatewayConfig
    let board: StaffBoard
    private var signature: [String]

    init(config: GatewayConfig, board: StaffBoard) {
        self.config = config
        self.board = board
        signature = Self.read(config)
    }

    /// Reloads when `hangup` is set or a file changed; true when the board got new files.
    @discardableResult
    mutating func reloadIfChanged(hangup: Bool, logger: Logger) -> Bool {
        guard config.staffRosterPath != nil else { return false }
        let now = Self.read(config)
        defer { signature = now }
        guard hangup || now != signature else { return false }
        var diagnostics = DiagnosticList()
        let files = StaffFiles.load(config, diagnostics: &diagnostics)
        for warning in diagnostics.items where warning.severity != .error { logger.warning("\(warning.description)") }
        guard !diagnostics.hasErrors else {
            for error in diagnostics.errors { logger.error("\(error.description)") }
            logger.error("staff reload failed; the previous roster and shifts stay in force",
                         metadata: ["errors": "\(diagnostics.errors.count)", "roster": "\(config.staffRosterPath ?? "")"])
            return false
        }
        board.replace(roster: files.roster, schedule: files.schedule)
        logger.notice("staff reloaded", metadata: ["staff": "\(files.roster.members.count)", "shifts": "\(files.schedule.shifts.count)"])
        return true
    }

    static func read(_ config: GatewayConfig) -> [String] {
        [config.staffRosterPath, config.staffShiftsPath].compactMap { $0 }.map(RuleFileWatch.signature(of:))
    }
}
