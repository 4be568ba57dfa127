import Devices
import Storage

/// How a decoded message joins the batch being built: the journal pipeline and the cluster's
/// partition consumers fill their batches the same way.
extension IngestBatch {
    /// Adds `outcome`; a device auto-registered by it joins `registry` (so the rest of the
    /// batch knows it) and is returned, for the caller to log.
    @discardableResult
    mutating func append(_ outcome: PayloadDecoder.Outcome, registry: inout DeviceRegistry, statistics: IngestStatistics) -> Device? {
        switch outcome {
        case let .reading(reading, newDevice):
            if let newDevice {
                registry.upsert(newDevice)
                newDevices.append(newDevice)
            }
            readings.append(reading)
            return newDevice
        case let .availability(change):
            availability.append(change)
        case let .rejected(rejection):
            statistics.countRejected(rejection.reason.rawValue)
            rejections.append(rejection)
        }
        return nil
    }
}
