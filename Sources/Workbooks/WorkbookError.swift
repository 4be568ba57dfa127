import CXlsxWriter

/// A workbook that could not be written: what was being written, and libxlsxwriter's reason.
public struct WorkbookError: Error, CustomStringConvertible, Sendable {
    public var description: String

    init(_ description: String) {
        self.description = description
    }

    /// Throws unless libxlsxwriter answered `LXW_NO_ERROR`; `doing` names the step for the message.
    static func check(_ result: lxw_error, _ doing: @autoclosure () -> String) throws {
        guard result != LXW_NO_ERROR else { return }
        let reason = lxw_strerror(result).map { String(cString: $0) } ?? "libxlsxwriter error \(result.rawValue)"
        throw WorkbookError("cannot write the workbook: \(doing()): \(reason)")
    }
}
