import Devices
import Rules
import Storage

/// An urgent batch stored in two commits, what its alerts are about first: the alarm's commit
/// no longer carries the ordinary readings that were waiting for company, nor those decoded
/// before its slice, and they follow once its alerts have gone on.
extension IngestPipeline {
    /// The two commits of an urgent batch: `alarm` goes first with the journal position left
    /// where the store stands, `rest` next with the batch's position.
    struct AlarmFirstSplit {
        var alarm: IngestBatch
        var alarmEvents: [AlertEvent]
        var rest: IngestBatch
        var restEvents: [AlertEvent]
    }

    /// Splits an urgent batch by device: every reading and event of a device whose alert fired
    /// or resolved in it goes first, everything else after. By device, so each device's
    /// readings still commit in the order they arrived (their ids are that order) and a
    /// reading never commits after a later one of its device.
    ///
    /// If the process dies between the two commits, the journal is read again from
    /// `storedPosition`: the rest is stored then, and the alarm's readings are duplicates the
    /// store's key drops. The rules hear them once, from the replay: the alarm commit is marked
    /// `storedAheadOfPosition`, and the warm-up leaves its readings out. A rule state saved
    /// before the alarm fires it again, which the ticket counts as a repeat (as it does for a
    /// reading after a restart whose rule state was saved before the alarm). `alert_events`
    /// has no key against it: one alert can fire, resolve and fire again within a receive
    /// millisecond (a backlog).
    ///
    /// Nil (the batch commits whole, as an ordinary one does) when nothing would come after
    /// the alarm, or when the batch holds what has no key against a second store: new devices
    /// (their rows) and residents' requests (their tickets). Rejections, availability changes
    /// and staff positions have no key either, so they always go with the rest, which moves
    /// the position past them.
    static func alarmFirst(_ open: OpenBatch, storedPosition: UInt64) -> AlarmFirstSplit? {
        let batch = open.batch
        guard open.urgent, batch.newDevices.isEmpty, batch.residentRequests.isEmpty else { return nil }
        let alarming = Set(open.events.lazy.filter { $0.kind != .pending }.map(\.deviceID))
        guard !alarming.isEmpty else { return nil }
        var alarm = IngestBatch(journalPosition: storedPosition)
        alarm.storedAheadOfPosition = true
        var rest = batch
        rest.readings = []
        rest.readings.reserveCapacity(batch.readings.count)
        for reading in batch.readings {
            if alarming.contains(reading.deviceID) { alarm.readings.append(reading) } else { rest.readings.append(reading) }
        }
        guard rest.messageCount > 0 else { return nil }
        var alarmEvents: [AlertEvent] = []
        var restEvents: [AlertEvent] = []
        // Only pending alerts stay behind (anything else would have made its device alarming),
        // and a pending alert is neither stored nor ticketed: their order against the alarm's
        // events shows in the debug log only.
        for event in open.events {
            if alarming.contains(event.deviceID) { alarmEvents.append(event) } else { restEvents.append(event) }
        }
        alarm.alertEvents = RuleEvaluation.history(alarmEvents)
        rest.alertEvents = RuleEvaluation.history(restEvents)
        return AlarmFirstSplit(alarm: alarm, alarmEvents: alarmEvents, rest: rest, restEvents: restEvents)
    }

    /// Commits an urgent batch, alarm first where the store allows it (`storesAheadOfPosition`)
    /// and the batch can be split; otherwise whole.
    func commitAlarmFirst(_ open: OpenBatch, storedPosition: UInt64) -> Bool {
        guard database.storesAheadOfPosition, let split = Self.alarmFirst(open, storedPosition: storedPosition) else {
            statistics.metrics.urgentWhole.increment()
            return commitAndAnnounce(open)
        }
        statistics.metrics.urgentAlarmFirst.increment()
        return commitAndAnnounce(split.alarm, events: split.alarmEvents) && commitAndAnnounce(split.rest, events: split.restEvents)
    }
}
