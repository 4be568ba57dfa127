import Devices
import Formats
import Foundation
import Indicators
import Maintenance
import Storage
import Tickets

/// Staff actions on tickets, done by the gateway's live ticket office so that each change
/// commits with its events and wakes the alert streams.
public protocol StaffDesk: Sendable {
    /// Applies `event` to a ticket now, recorded as done by `actor`; throws the desk's or the
    /// lifecycle's error when the ticket or its state does not allow it.
    func act(_ event: TicketEvent, on ticketID: String, by actor: String) throws -> Ticket
    /// Logs a resident's request as a ticket.
    func open(_ request: TicketDesk.Request, by actor: String) throws -> Ticket
    /// Stores a resident's request and opens its ticket, once per (community, request id).
    func submit(_ request: ResidentRequest, by actor: String) throws -> SubmittedRequest
    /// The demand catalogue requests name items of.
    var catalogue: DemandCatalogue { get }
}

/// What the API's handlers work with: the database, the device types (for health and for
/// knowing which fields are personal), the calendar's zone, the desk and the clock.
public struct APIEnvironment: Sendable {
    public var database: any GatewayStore
    public var catalog: DeviceTypeCatalog
    public var timeZone: TimeZone
    public var ticketSettings: TicketSettings
    public var desk: any StaffDesk
    public var bell: EventBell
    /// The wall clock, injected: handlers never read it themselves.
    public var nowMs: @Sendable () -> Int64
    /// Directory of the dashboard's files; nil serves none.
    public var dashboardPath: String?
    /// The live staff board; nil lists nobody.
    public var staff: (any StaffSource)?
    /// Explains the rules for `/rules/explain`; nil answers 503.
    public var rules: (any RuleExplainSource)?
    /// The configuration's `kpis:` that `/reports/kpi` assesses; the standard's until set.
    public var indicators = IndicatorSet.standard
    /// `maintenance.failure_level`, for the indicator of batteries replaced before failure.
    public var batterySettings = BatterySettings()

    public init(database: any GatewayStore, catalog: DeviceTypeCatalog, timeZone: TimeZone, ticketSettings: TicketSettings,
                desk: any StaffDesk, bell: EventBell, nowMs: @escaping @Sendable () -> Int64, dashboardPath: String?,
                staff: (any StaffSource)? = nil) {
        self.database = database
        self.catalog = catalog
        self.timeZone = timeZone
        self.ticketSettings = ticketSettings
        self.desk = desk
        self.bell = bell
        self.nowMs = nowMs
        self.dashboardPath = dashboardPath
        self.staff = staff
    }

    func time(_ ms: Int64) -> JSONValue { .string(RFC3339.format(milliseconds: ms, timeZone: timeZone)) }
}
