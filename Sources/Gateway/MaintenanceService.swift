import Devices
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Storage
import Tickets

/// Maintenance before failure: at start and every `maintenance.interval`, a maintenance round
/// (battery forecasts stored, tickets for batteries about to run out and self-tests overdue).
/// The wall clock is read here and nowhere below. In cluster mode only the instance owning the
/// cluster's services runs rounds, so one instance decides each device's ticket; the store's
/// one-active-ticket-per-alert-key index stands behind that.
public final class MaintenanceService: Service, Sendable {
    let round: MaintenanceRound
    let office: TicketOffice
    let intervalSeconds: Double
    let logger: Logger
    let isActive: @Sendable () -> Bool
    let nowMs: @Sendable () -> Int64

    public init(database: any GatewayStore, catalog: DeviceTypeCatalog, config: MaintenanceConfig, timeZone: TimeZone, office: TicketOffice,
                logger: Logger, isActive: @escaping @Sendable () -> Bool = { true },
                nowMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        round = MaintenanceRound(database: database, catalog: catalog, config: config, timeZone: timeZone)
        self.office = office
        intervalSeconds = config.intervalSeconds
        self.logger = logger
        self.isActive = isActive
        self.nowMs = nowMs
    }

    public convenience init(database: any GatewayStore, setup: GatewaySetup, office: TicketOffice, logger: Logger,
                            isActive: @escaping @Sendable () -> Bool = { true }) {
        self.init(database: database, catalog: setup.catalog, config: setup.config.maintenance, timeZone: setup.calendar.timeZone,
                  office: office, logger: logger, isActive: isActive)
    }

    public func run() async throws {
        guard round.config.enabled else { return }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // A round reads months of the fleet's battery history and fits every device: on a
            // thread of NIO's blocking pool, not one of the cooperative pool's two.
            if isActive() {
                let now = nowMs()
                _ = try? await NIOThreadPool.singleton.runIfActive { self.runRound(nowMs: now) }
            }
            let interval = intervalSeconds
            // Graceful shutdown does not cancel a sleep by itself (see RetentionService).
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }

    /// One round at `nowMs`; a failure is logged and the next round starts afresh.
    @discardableResult
    public func runRound(nowMs: Int64) -> [Ticket] {
        do {
            let found = try round.findings(nowMs: nowMs)
            try round.database.saveBatteryForecasts(found.forecasts)
            let opened = try office.maintenanceDue(found.due, nowMs: nowMs)
            let forecasting = found.forecasts.values.filter { $0.state == .forecast }.count
            logger.log(level: opened.isEmpty ? .debug : .info, "maintenance round", metadata: [
                "batteries": "\(found.forecasts.count)", "forecasting": "\(forecasting)", "due": "\(found.due.count)",
                "self_tests_overdue": "\(found.selfTestsOverdue)", "opened": "\(opened.count)"])
            return opened
        } catch {
            logger.error("maintenance round failed", metadata: ["error": "\(error)"])
            return []
        }
    }
}
