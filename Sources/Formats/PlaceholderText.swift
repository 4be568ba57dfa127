/// Text with `{name}` placeholders (rule titles, alert topics) filled in one pass. Foundation's
/// `replacingOccurrences` goes through `NSString` once per placeholder: five of them for each
/// rule title were ~5 % of the CPU of an alarm's ticket opening (perf, `bench/alert-latency`).
public enum PlaceholderText {
    /// `template` with each `{name}` for which `value` answers replaced by that answer; any
    /// other text, unknown placeholders and unmatched braces included, is kept as written.
    public static func fill(_ template: String, _ value: (Substring) -> String?) -> String {
        guard template.utf8.contains(UInt8(ascii: "{")) else { return template }
        var out = ""
        out.reserveCapacity(template.utf8.count + 32)
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let inside = rest[rest.index(after: open)...]
            // The name ends at the first `}`; a `{` before it starts the placeholder over.
            guard let end = inside.firstIndex(where: { $0 == "}" || $0 == "{" }) else {
                rest = rest[open...]
                break
            }
            if inside[end] == "{" {
                out += rest[open..<end]
                rest = inside[end...]
                continue
            }
            if let filled = value(inside[..<end]) {
                out += filled
            } else {
                out += rest[open...end]
            }
            rest = inside[inside.index(after: end)...]
        }
        out += rest
        return out
    }
}
