import Foundation
import MQTT
import Notifications
import Prometheus
import Storage
import Synchronization

/// The gateway's Prometheus metrics (swift-prometheus): counters bumped on the ingest path,
/// gauges refreshed when `/metrics` is scraped.
public final class GatewayMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let received: Counter
    let stored: Counter
    let duplicates: Counter
    let commitDuration: DurationHistogram
    /// Urgent batches (an alert fired or resolved in them) by how they were stored: alarm
    /// first, in two commits (`IngestPipeline.alarmFirst`), or whole.
    let urgentAlarmFirst: Counter
    let urgentWhole: Counter
    let backlogBytes: Gauge
    let brokerConnected: Gauge
    let rulesLoaded: Gauge
    let rulesReloadFailed: Gauge
    let alertsFiring: Gauge
    let ruleEvaluations: Counter
    let brokerDropped: Gauge
    let retentionRolledUp: Counter
    let retentionPruned: Counter
    let retentionRollupsPruned: Counter
    let retentionScrubbed: Counter
    let retentionRoundSeconds: Gauge
    /// When the last round began (Unix seconds): with its duration, when ingest shared the
    /// machine with it (`bench/alert-latency` splits its alarms by it).
    let retentionRoundStartTime: Gauge
    let retentionLongestStepSeconds: Gauge
    /// When the report clock last looked (Unix seconds; 0 before its first look). A cluster
    /// instance looks only while it owns the cluster's services, so there the owner's value is
    /// the one to watch: falling behind `reports.check_interval` says the clock stalled.
    let reportsLastLookTime: Gauge
    /// Live events the MQTT alert publisher took in order (those of a ticket published) as
    /// handed over at their commit, and as read back from the store (events from elsewhere, or a
    /// hand-over that was not next in line).
    let alertsHandedOver: Counter
    let alertsReadBack: Counter
    private let newestReadingAge = Mutex<[String: Gauge]>([:])
    private let rejectedByReason = Mutex<[String: Counter]>([:])
    private let alertEventsByKind = Mutex<[String: Counter]>([:])
    private let ticketEventsByKind = Mutex<[String: Counter]>([:])
    private let openTickets = Mutex<[String: Gauge]>([:])
    let webhookPendingGauge: Gauge
    private let webhookDeliveries = Mutex<[String: Counter]>([:])
    /// Made at the first scrape of a gateway on SQLite (PostgreSQL has no such log).
    private let logCopies = Mutex<LogCopyCounters?>(nil)
    /// Made at the first scrape of a client with burst buffers (none over TLS).
    private let socketCalls = Mutex<SocketCallCounters?>(nil)

    public init() {
        received = registry.makeCounter(name: "gridwatch_messages_received_total", help: "MQTT messages written to the journal")
        stored = registry.makeCounter(name: "gridwatch_readings_stored_total", help: "Readings stored in SQLite")
        duplicates = registry.makeCounter(name: "gridwatch_duplicates_total", help: "Redelivered messages removed by the dedup key")
        commitDuration = registry.makeDurationHistogram(
            name: "gridwatch_commit_duration_seconds",
            buckets: [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1)],
            help: "Time to commit one ingest batch")
        let urgentHelp = "Urgent ingest batches by how they were stored: alarm first (the alerting devices' readings, then the rest) or whole"
        urgentAlarmFirst = registry.makeCounter(name: "gridwatch_urgent_batches_total", labels: [("stored", "alarm_first")], help: urgentHelp)
        urgentWhole = registry.makeCounter(name: "gridwatch_urgent_batches_total", labels: [("stored", "whole")], help: urgentHelp)
        backlogBytes = registry.makeGauge(name: "gridwatch_journal_backlog_bytes", help: "Journal bytes not yet stored")
        brokerConnected = registry.makeGauge(name: "gridwatch_broker_connected", help: "1 while the MQTT link is up")
        rulesLoaded = registry.makeGauge(name: "gridwatch_rules_loaded", help: "Rules in the running rule set")
        rulesReloadFailed = registry.makeGauge(name: "gridwatch_rules_reload_failed", help: "1 while the last rules reload was rejected (previous rules running)")
        alertsFiring = registry.makeGauge(name: "gridwatch_alerts_firing", help: "Alerts currently firing")
        brokerDropped = registry.makeGauge(name: "gridwatch_broker_dropped_messages", help: "The broker's $SYS count of messages it dropped (-1: not heard)")
        ruleEvaluations = registry.makeCounter(name: "gridwatch_rule_evaluations_total", help: "Readings evaluated by the rules engine")
        webhookPendingGauge = registry.makeGauge(name: "gridwatch_webhook_pending", help: "Webhook deliveries not yet delivered, including those of webhooks no longer configured")
        retentionRolledUp = registry.makeCounter(name: "gridwatch_retention_readings_rolled_up_total", help: "Readings rolled up into 5-minute and hourly buckets")
        retentionPruned = registry.makeCounter(name: "gridwatch_retention_readings_pruned_total", help: "Raw readings deleted after their retention period")
        retentionRollupsPruned = registry.makeCounter(name: "gridwatch_retention_rollups_pruned_total", help: "Roll-up buckets deleted after their retention period")
        retentionScrubbed = registry.makeCounter(name: "gridwatch_retention_payloads_scrubbed_total", help: "Stored payloads whose personal fields were removed")
        retentionRoundSeconds = registry.makeGauge(name: "gridwatch_retention_last_round_seconds", help: "Duration of the last retention round")
        retentionRoundStartTime = registry.makeGauge(name: "gridwatch_retention_last_round_start_time_seconds",
                                                     help: "When the last retention round began, in seconds since the Unix epoch")
        retentionLongestStepSeconds = registry.makeGauge(name: "gridwatch_retention_longest_step_seconds", help: "Longest step of the last retention round (a roll-up step's read and fold, which hold no write lock, included)")
        reportsLastLookTime = registry.makeGauge(name: "gridwatch_reports_last_look_time_seconds",
                                                 help: "When the report clock last sampled device health and looked for finished periods to publish, in seconds since the Unix epoch")
        let alertsHelp = "Live events the MQTT alert publisher took in order (those of a ticket published), by how they reached it: handed over at their commit, or read back from the store"
        alertsHandedOver = registry.makeCounter(name: "gridwatch_mqtt_alerts_total", labels: [("by", "hand_over")], help: alertsHelp)
        alertsReadBack = registry.makeCounter(name: "gridwatch_mqtt_alerts_total", labels: [("by", "read_back")], help: alertsHelp)
    }

    func rejected(_ reason: String) {
        labelled(rejectedByReason, "gridwatch_rejected_total", ("reason", reason), help: "Messages rejected, by reason").increment()
    }

    func alertEvent(_ kind: String) {
        labelled(alertEventsByKind, "gridwatch_alert_events_total", ("event", kind), help: "Alert events, by kind").increment()
    }

    func ticketEvent(_ kind: String) {
        labelled(ticketEventsByKind, "gridwatch_ticket_events_total", ("event", kind), help: "Ticket events (opened, warned_1..3, transferred, breaches, ...)").increment()
    }

    /// Active tickets per tier and warning level; combinations seen before and now empty read 0.
    func setOpenTickets(_ counts: [(severity: String, level: Int, count: Int)]) {
        openTickets.withLock { gauges in
            for gauge in gauges.values { gauge.set(Int64(0)) }
            for count in counts {
                let key = "\(count.severity)|\(count.level)"
                let gauge = gauges[key] ?? registry.makeGauge(name: "gridwatch_tickets_open", labels: [("tier", count.severity), ("level", "\(count.level)")],
                                                              help: "Active tickets by tier and warning level")
                gauges[key] = gauge
                gauge.set(Int64(count.count))
            }
        }
    }

    /// Seconds since the newest reading of each device type (a whole type going quiet is a
    /// gateway or network problem, not a device one).
    func setNewestReadingAge(_ ages: [String: Double]) {
        newestReadingAge.withLock { gauges in
            for (type, age) in ages {
                let gauge = gauges[type] ?? registry.makeGauge(name: "gridwatch_newest_reading_age_seconds", labels: [("type", type)],
                                                                help: "Seconds since the newest reading of each device type")
                gauges[type] = gauge
                gauge.set(age)
            }
        }
    }

    /// SQLite's log copies so far and the log file's size (`LogCopyCounters`). The tally is
    /// read under the lock: two scrapes at once then cannot count down (a counter refuses).
    func setLogCopies(_ tally: () -> WALCheckpointer.Tally, fileBytes: Int64) {
        logCopies.withLock { counters in
            var advanced = counters ?? LogCopyCounters(registry: registry)
            advanced.advance(to: tally(), fileBytes: fileBytes)
            counters = advanced
        }
    }

    /// The MQTT loop's socket calls so far (`SocketCallCounters`), read under the lock as the
    /// log copies are.
    func setSocketCalls(_ counts: () -> MQTTSocketCounts?) {
        socketCalls.withLock { counters in
            guard let counts = counts() else { return }
            var advanced = counters ?? SocketCallCounters(registry: registry)
            advanced.advance(to: counts)
            counters = advanced
        }
    }

    /// One counter per label value, made on first use and kept.
    private func labelled(_ cache: borrowing Mutex<[String: Counter]>, _ name: String, _ label: (String, String), help: String) -> Counter {
        cache.withLock { counters in
            if let existing = counters[label.1] { return existing }
            let made = registry.makeCounter(name: name, labels: [label], help: help)
            counters[label.1] = made
            return made
        }
    }

    /// The exposition text.
    public func render() -> String { registry.emitToString() }
}

/// Webhook figures: attempts by webhook and outcome (`failed` is a delivery given up on,
/// `retry` a failed attempt that will be repeated) and the pending backlog.
extension GatewayMetrics: WebhookObserver {
    public func webhookAttempted(_ webhook: String, outcome: WebhookDelivery.Outcome) {
        webhookDeliveries.withLock { counters in
            let key = "\(webhook)|\(outcome.label)"
            let counter = counters[key] ?? registry.makeCounter(name: "gridwatch_webhook_deliveries_total", labels: [("webhook", webhook), ("outcome", outcome.label)],
                                                                help: "Webhook delivery attempts by outcome: delivered, retry, failed")
            counters[key] = counter
            counter.increment()
        }
    }

    public func webhookPending(_ count: Int) { webhookPendingGauge.set(Int64(count)) }
}
