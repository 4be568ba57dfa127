import Devices
import Formats
import Foundation
import Tickets

/// What the resident said at a follow-up is personal data: past the personal period it goes
/// from the ticket and from the event copies of it, in both stores. The scores stay, because
/// the satisfaction figures of past months must not change.
public enum FollowUpCommentScrub {
    /// The text a row must contain to be worth decoding: a comment that is not null.
    public static let needle = #""comment":""#

    public static func ticket(_ ticket: Ticket) -> Ticket {
        var scrubbed = ticket
        scrubbed.followUp?.comment = nil
        scrubbed.followUpHistory = scrubbed.followUpHistory?.map { item in
            var followUp = item
            followUp.comment = nil
            return followUp
        }
        return scrubbed
    }

    /// An event's body without the comments of its ticket copy; nil when it is not the JSON expected.
    public static func eventBody(_ text: String) -> String? {
        guard case var .object(event)? = try? JSONParser.parse(Array(text.utf8)), case var .object(ticket)? = event["ticket"] else { return nil }
        func withoutComment(_ value: JSONValue) -> JSONValue {
            guard case var .object(followUp) = value else { return value }
            followUp["comment"] = .null
            return .object(followUp)
        }
        if let followUp = ticket["follow_up"] { ticket["follow_up"] = withoutComment(followUp) }
        if case let .array(history)? = ticket["follow_up_history"] { ticket["follow_up_history"] = .array(history.map(withoutComment)) }
        event["ticket"] = .object(ticket)
        return JSONValue.object(event).jsonText
    }
}
