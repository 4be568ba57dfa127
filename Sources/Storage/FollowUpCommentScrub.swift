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
        guard case var .object(event)? = try? JSONParser.parse(Array(text.utf8)), let ticket = event["ticket"], case .object = ticket else { return nil }
        event["ticket"] = Ticket.withoutFollowUpComments(ticket)
        return JSONValue.object(event).jsonText
    }
}
