#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Drives the live rules engine: a one-second clock (held back while our broker link is
/// down or a backlog drains), reloads on SIGHUP or when a rule file changes (the staff
/// roster and shifts too), and saves the rule state every few seconds and at shutdown.
public final class RuleService: Service, Sendable {
    let ingest: IngestService
    let logger: Logger
    let saveInterval: Double
    /// Names the staff files to reload with the rules.
    let config: GatewayConfig
    private let hangupReceived = Atomic<Bool>(false)

    public init(ingest: IngestService, config: GatewayConfig, logger: Logger, saveInterval: Double = 10) {
        self.ingest = ingest
        self.config = config
        self.logger = logger
        self.saveInterval = saveInterval
    }

    /// What one round carries to the next.
    struct Round: Sendable {
        var watched: RuleFileWatch
        var staffFiles: StaffFileWatch
        var linkUp = true
        var lastSave = Date()
    }

    public func run() async throws {
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { [self] in hangupReceived.store(true, ordering: .releasing) }
        hangup.resume()
        defer { hangup.cancel() }
        var round = Round(watched: RuleFileWatch(directory: ingest.rules.rulesPath), staffFiles: StaffFileWatch(config: config, board: ingest.staff))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            // A round can write thousands of tickets (devices silent together after an
            // outage): on NIO's threads for blocking work, not one of the cooperative pool's
            // few that the HTTP side and the shutdown need.
            guard let next = try? await NIOThreadPool.singleton.runIfActive({ [self, round] in secondPassed(after: round) }) else { break }
            round = next
        }
        ingest.rules.save()
    }

    /// One second of the rules' life: their clock, the tickets' clocks, the broker's drop
    /// counter, reloads and the periodic save.
    func secondPassed(after previous: Round) -> Round {
        var round = previous
        let rules = ingest.rules
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let connected = ingest.client.isConnected
        if connected != round.linkUp {
            round.linkUp = connected
            rules.linkChanged(up: connected, atMs: nowMs)
        }
        // While a backlog drains, its readings move the rules clock; the wall clock would
        // judge devices absent whose messages are still in our queue.
        if connected && ingest.statistics.backlogBytes.load(ordering: .relaxed) < 1 << 20 { rules.tick(nowMs: nowMs) }
        rules.tickets?.timePassed(nowMs: nowMs)
        let dropped = ingest.statistics.brokerDropped.load(ordering: .relaxed)
        if dropped >= 0 {
            rules.brokerDroppedCounter(dropped, firstHeard: ingest.statistics.brokerDroppedFirst.load(ordering: .relaxed), nowMs: nowMs)
        }
        let hungUp = hangupReceived.exchange(false, ordering: .acquiringAndReleasing)
        round.staffFiles.reloadIfChanged(hangup: hungUp, logger: logger)
        if hungUp || round.watched.changed() {
            logger.notice("reloading rules", metadata: ["directory": "\(rules.rulesPath)"])
            rules.reload(nowMs: nowMs)
        }
        if Date().timeIntervalSince(round.lastSave) >= saveInterval {
            rules.save()
            round.lastSave = Date()
        }
        return round
    }
}
