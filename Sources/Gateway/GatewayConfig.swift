import Devices
import Foundation
import Indicators
import Notifications
import Tickets

/// Everything `gridwatch run` needs, from `config/gridwatch.yaml`. Every setting has a
/// default; relative paths are relative to the configuration file; secrets come from files
/// or the environment, never only from the YAML.
public struct GatewayConfig: Sendable {
    public var configPath: String
    public var mqttURL = "mqtt://127.0.0.1:1883"
    public var clientID = "gridwatch"
    public var username: String?
    public var password: String?
    public var keepAliveSeconds = 30.0
    public var reconnectMinSeconds = 0.5
    public var reconnectMaxSeconds = 30.0
    public var tlsCAFile: String?
    public var tlsCertFile: String?
    public var tlsKeyFile: String?
    public var tlsInsecure = false
    public var availabilityTopic = "gridwatch/gateway/{client_id}/status"
    public var telemetryPattern = "gridwatch/{community}/{type}/{device}/telemetry"
    public var statusPattern: String? = "gridwatch/{community}/{type}/{device}/status"
    /// `mqtt.staff_topic`: where staff apps publish live positions; `{id}` is the staff id.
    public var staffTopicPattern = "gridwatch/{community}/staff/{id}/location"
    /// `mqtt.request_topic`: residents' requests; `{source}` names the channel (an app, a panel).
    public var requestTopicPattern = "gridwatch/{community}/requests/{source}"
    /// `mqtt.request_status_topic`: a request's progress, retained, for its requester.
    public var requestStatusTopicPattern = "gridwatch/{community}/requests/{source}/{request_id}/status"
    /// `staff.roster`: the roster CSV; nil means no staff (every live position is refused).
    public var staffRosterPath: String?
    /// `staff.shifts`: weekly on-duty times (YAML); nil means everyone on the roster is on duty.
    public var staffShiftsPath: String?
    public var databasePath = "data/gridwatch.db"
    /// `storage.url`: a PostgreSQL store instead of the SQLite file (cluster mode).
    public var storageURL: String?
    /// `storage.password_file`: the store's password (else `PGPASSWORD`), never in the YAML.
    public var storagePasswordFile: String?
    /// `cluster.instance`: this instance's name among those sharing the store (default: host and pid).
    public var instanceName: String?
    /// Journal directory; nil means next to the database (`<database>.journal`).
    public var journalPath: String?
    public var journalMaxBacklogBytes = 1 << 30
    public var journalSyncEveryAppend = false
    public var deviceTypesPath = "devices"
    public var inventoryPath: String? = "devices/demo-community.csv"
    public var autoRegister = false
    public var maxPayloadBytes = 16_384
    public var clockSkewToleranceSeconds = 300.0
    public var batchSize = 2000
    /// How long a batch of ordinary readings may wait for more to share its commit; a batch
    /// with something that fires is committed at once (see `IngestPipeline`). 5 ms, not 2:
    /// at half the ingest rate it halves the commits and their per-device last-seen writes
    /// (~5 % of gridwatch's CPU there) for +0.2 ms at the alarm's median (session 32).
    public var batchLingerSeconds = 0.005
    public var httpListen = "127.0.0.1:8080"
    /// The dashboard's files, served at `/`; nil serves none.
    public var dashboardPath: String? = "dashboard"
    /// Where ticket events are published (docs/design.md §1.3).
    public var alertTopicPattern = "gridwatch/{community}/alerts/{ticket_id}"
    /// Directory of rule files (`*.yaml`; tests in its `tests/` subdirectory).
    public var rulesPath = "config/rules"
    /// Service standard per severity tier (rules name a tier as their severity).
    public var slaPolicies: [String: SLAPolicy] = SLAPolicy.defaults
    /// Working-day calendar file for SLA clocks counted in working days or hours.
    public var calendarPath: String? = "config/calendars/cn-2026.yaml"
    /// Severity tiers rules may name.
    public var tiers: Set<String> { Set(slaPolicies.keys) }
    /// `kpis`, `kpi_groups`, `kpi_alarm`: the assessed indicators; the standard's without them.
    public var indicators = IndicatorSet.standard
    public var logLevel = "info"
    /// Routing, hierarchy, warning levels and timeouts of tickets.
    public var ticketConfig = TicketConfig()
    /// Webhooks that receive ticket events (`notifications.webhooks`).
    public var webhooks: [WebhookConfig] = []
    /// How long readings, roll-ups and personal fields are kept (`retention:`).
    public var retention = RetentionConfig()
    /// Battery forecasts and self-test inspections (`maintenance:`).
    public var maintenance = MaintenanceConfig()
    /// `dispatch.*`: how far people and resources may be, when someone has arrived, the resources CSV.
    public var dispatch = DispatchConfig()
    /// `tickets.catalogue`: the demand catalogue (classes and items); nil: none, rules name no items.
    public var cataloguePath: String?
    /// `reports:`: the finished periods' reports written, announced and alarmed on.
    public var reports = ReportsConfig()

    public init(configPath: String) { self.configPath = configPath }

    /// Where scheduled reports go: `reports.folder`, else `reports` beside the database file.
    public var reportsFolder: String {
        reports.folder ?? ((databasePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("reports")
    }

    /// The journal directory actually used.
    public var resolvedJournalPath: String { journalPath ?? databasePath + ".journal" }

    public var resolvedAvailabilityTopic: String { availabilityTopic.replacingOccurrences(of: "{client_id}", with: clientID) }

    /// `host` and `port` of `httpListen`.
    public var httpHostPort: (host: String, port: Int)? {
        guard let colon = httpListen.lastIndex(of: ":"), let port = Int(httpListen[httpListen.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        let host = String(httpListen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
