import Devices
import Foundation
import Tickets

/// Where a request made without a device happens: a positioned device of the resident's
/// unit stands for the unit, so dispatch can measure distances to it.
extension GatewayStore {
    public func place(of request: TicketDesk.Request) throws -> Device? {
        if let device = request.device, device.latitude != nil { return device }
        guard !request.community.isEmpty, !request.building.isEmpty else { return request.device }
        let devices = try devices(type: nil, community: request.community, building: request.building).map(\.device)
        let inUnit = devices.filter { $0.unit == request.unit }
        return inUnit.first { $0.latitude != nil } ?? inUnit.first ?? request.device
    }
}
