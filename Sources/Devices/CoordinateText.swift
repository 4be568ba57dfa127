/// Reads a `lat` or `lon` cell of a CSV (inventory, roster, resources) in WGS-84 degrees, so
/// every file that places something rejects the same mistakes with the same words.
public enum CoordinateText {
    public static let latitudeRange: ClosedRange<Double> = -90...90
    public static let longitudeRange: ClosedRange<Double> = -180...180

    /// The range a column named `lat` or `lon` must stay in.
    public static func range(column: String) -> ClosedRange<Double> {
        column == "lat" ? latitudeRange : longitudeRange
    }

    /// The degrees in `text` (already trimmed), or the error message for the cell of `column`.
    public static func degrees(_ text: String, column: String) -> Result<Double, Problem> {
        guard !text.isEmpty else { return .failure(Problem(message: "'\(column)' must not be empty")) }
        // `Double("nan")` and `Double("inf")` parse; neither is a place on Earth.
        guard let number = Double(text), number.isFinite else {
            return .failure(Problem(message: "'\(column)' must be a number in degrees, got '\(text)'"))
        }
        let range = range(column: column)
        guard range.contains(number) else {
            return .failure(Problem(message: "'\(column)' \(text) is outside \(Int(range.lowerBound))...\(Int(range.upperBound))"))
        }
        return .success(number)
    }

    /// Degrees written back so that `Double(text)` reads the same value: Swift's description
    /// is the shortest text that round-trips, and an inventory written and read back stays exact.
    public static func text(_ degrees: Double?) -> String {
        degrees.map { "\($0)" } ?? ""
    }

    /// Why a cell is not a coordinate.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }
}
