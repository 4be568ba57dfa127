import Devices
import Formats
import Foundation
import GridDispatch
import Rules
import Tickets

/// The configuration, device types and inventory read together, with every problem found in
/// any of them: what `run` starts from and what `check` reports.
public struct GatewaySetup: Sendable {
    public var config: GatewayConfig
    public var catalog: DeviceTypeCatalog
    public var inventory: [Device]
    public var rules: RuleSet
    public var calendar: WorkCalendar
    /// The roster and shifts; shift times are read on `calendar`'s time zone.
    public var staff: StaffFiles
    /// `dispatch.resources`: clinics, defibrillators, locksmiths ... listed near a ticket.
    public var resources = ServiceResources()
    /// `tickets.catalogue`: the demand catalogue rules and requests name items of.
    public var catalogue = DemandCatalogue()
    public var diagnostics: [Diagnostic]

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Loads everything `configPath` names; `overrides` apply command-line options on top.
    public static func load(configPath: String, overrides: (inout GatewayConfig) -> Void = { _ in }) -> GatewaySetup {
        var diagnostics = DiagnosticList()
        var config = GatewayConfig.load(path: configPath, diagnostics: &diagnostics)
        overrides(&config)
        let catalog = DeviceTypeCatalog.load(directory: config.deviceTypesPath, diagnostics: &diagnostics)
        var inventory: [Device] = []
        if let inventoryPath = config.inventoryPath {
            inventory = Inventory.load(path: inventoryPath, catalog: catalog, diagnostics: &diagnostics)
        }
        diagnostics.append(contentsOf: config.retention.problems(catalog: catalog))
        let rules = RuleFileParser.load(directory: config.rulesPath, catalog: catalog, tiers: config.tiers, diagnostics: &diagnostics)
        var calendar = WorkCalendar.standard(timeZone: rules.timeZone)
        if let path = config.calendarPath, let loaded = WorkCalendar.load(path: path, diagnostics: &diagnostics) { calendar = loaded }
        let staff = StaffFiles.load(config, diagnostics: &diagnostics)
        for pattern in [config.telemetryPattern] + (config.statusPattern.map { [$0] } ?? []) {
            do { _ = try TopicLayout(pattern) } catch {
                diagnostics.append(Diagnostic(file: configPath, line: 1, column: 1, message: error.message))
            }
        }
        let resources = config.loadServiceResources(diagnostics: &diagnostics)
        let catalogue = config.cataloguePath.map { DemandCatalogue.load(path: $0, tiers: config.tiers, diagnostics: &diagnostics) }
        diagnostics.append(contentsOf: Self.unknownItems(in: rules, catalogue: catalogue, cataloguePath: config.cataloguePath))
        if let catalogue { diagnostics.append(contentsOf: config.maintenance.problems(catalogue: catalogue)) }
        var setup = GatewaySetup(config: config, catalog: catalog, inventory: inventory, rules: rules, calendar: calendar, staff: staff,
                                 diagnostics: diagnostics.items)
        setup.resources = resources
        setup.catalogue = catalogue ?? DemandCatalogue()
        return setup
    }

    /// Rules naming an item the catalogue lacks, each at its `item:` line and column.
    static func unknownItems(in rules: RuleSet, catalogue: DemandCatalogue?, cataloguePath: String?) -> [Diagnostic] {
        rules.rules.compactMap { rule in
            guard let item = rule.item, catalogue?[item] == nil else { return nil }
            let message = catalogue == nil ? "rule '\(rule.id)' names item '\(item)' but no catalogue is configured (tickets.catalogue)"
                : "rule '\(rule.id)' names unknown item '\(item)' (not in \(cataloguePath ?? "the catalogue"))"
            return Diagnostic(file: rule.file, line: max(rule.itemLine, 1), column: max(rule.itemColumn, 1), message: message)
        }
    }

    /// The decoder for this setup's topics, types and limits.
    public func makeDecoder() throws -> PayloadDecoder {
        PayloadDecoder(telemetry: try TopicLayout(config.telemetryPattern), status: try config.statusPattern.map { try TopicLayout($0) },
                       catalog: catalog, maxPayloadBytes: config.maxPayloadBytes,
                       clockSkewToleranceMs: Int64(config.clockSkewToleranceSeconds * 1000))
    }
}
