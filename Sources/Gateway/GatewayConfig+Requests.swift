import Devices
import Formats
import Foundation

/// The residents' request topics: where requests arrive (`mqtt.request_topic`) and where each
/// request's progress goes back to its requester (`mqtt.request_status_topic`).
extension GatewayConfig {
    mutating func readRequestTopics(_ mqtt: YAMLMapping, diagnostics: inout DiagnosticList) {
        if let value = mqtt.string("request_topic", diagnostics: &diagnostics) {
            do {
                _ = try Self.requestTopicLayout(value)
                requestTopicPattern = value
            } catch {
                diagnostics.append(mqtt.source.diagnostic(at: mqtt["request_topic"], "\(error)"))
            }
        }
        if let value = mqtt.string("request_status_topic", diagnostics: &diagnostics) {
            let missing = ["{community}", "{source}", "{request_id}"].filter { !value.contains($0) }
            if missing.isEmpty, !value.contains("+"), !value.contains("#") {
                requestStatusTopicPattern = value
            } else {
                // Without every part two requesters would share one retained status.
                diagnostics.append(mqtt.source.diagnostic(at: mqtt["request_status_topic"],
                                                          "'request_status_topic' must name {community}, {source} and {request_id} and hold no wildcard"))
            }
        }
    }

    /// The request topic as a layout: its `{source}` is captured as the layout's `{device}`.
    public func requestTopicLayout() throws -> TopicLayout { try Self.requestTopicLayout(requestTopicPattern) }

    static func requestTopicLayout(_ pattern: String) throws -> TopicLayout {
        guard pattern.contains("{source}"), pattern.contains("{community}"), !pattern.contains("{device}") else {
            throw GatewayError("'request_topic' must name {community} and {source} (the channel: an app, a panel)")
        }
        return try TopicLayout(pattern.replacingOccurrences(of: "{source}", with: "{device}"))
    }

    /// Where the progress of `requestID`, sent by `source` in `community`, is published.
    public func requestStatusTopic(community: String, source: String, requestID: String) -> String {
        Self.requestStatusTopic(requestStatusTopicPattern, community: community, source: source, requestID: requestID)
    }

    static func requestStatusTopic(_ pattern: String, community: String, source: String, requestID: String) -> String {
        pattern.replacingOccurrences(of: "{community}", with: community)
            .replacingOccurrences(of: "{source}", with: source).replacingOccurrences(of: "{request_id}", with: requestID)
    }
}
