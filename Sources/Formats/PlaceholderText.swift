/// Text with `{name}` placeholders (rule titles, alert topics) filled in one pass. Foundation's
/// `replacingOccurrences` goes through `NSString` once per placeholder: five of them for each
/// rule title were ~5 % of the CPU of an alarm's ticket opening (perf, `bench/alert-latency`).
public enum PlaceholderText {
    /// `template` with each `{name}` for which `value` answers replaced by that answer; any
    /// other text, unknown placeholders and unmatched braces included, is kept as written. A
    /// filled-in value is not looked at again.
    public static func fill(_ template: String, _ value: (Substring) -> String?) -> String {
        let bytes = template.utf8
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        guard bytes.contains(open) else { return template }
        var out = ""
        out.reserveCapacity(bytes.count + 32)
        // Braces are ASCII, so every index found here starts a scalar; slices are taken of the
        // scalars, since a brace followed by a combining mark is no character boundary.
        let scalars = template.unicodeScalars
        var copiedUpTo = template.startIndex
        var cursor = template.startIndex
        while let start = bytes[cursor...].firstIndex(of: open) {
            let nameStart = bytes.index(after: start)
            // The name ends at the first `}`; a `{` before it starts the placeholder over.
            guard let end = bytes[nameStart...].firstIndex(where: { $0 == close || $0 == open }) else { break }
            if bytes[end] == open {
                cursor = end
                continue
            }
            if let filled = value(Substring(scalars[nameStart..<end])) {
                out += Substring(scalars[copiedUpTo..<start])
                out += filled
                copiedUpTo = bytes.index(after: end)
            }
            cursor = bytes.index(after: end)
        }
        out += Substring(scalars[copiedUpTo...])
        return out
    }
}
