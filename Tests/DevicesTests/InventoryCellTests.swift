@testable import Devices
import Foundation
import Testing

/// The inventory's fast paths for trimming cells and checking dates give exactly what the
/// Foundation calls they stand in front of give.
@Suite struct InventoryCellTests {
    @Test(arguments: ["", " ", "a", " a ", "\tb", "c\u{3000}", "\u{00A0}d", "é ", "门", " 门 ", "x\n", "door-b01-0101", "a b"])
    func trimmingMatchesFoundation(_ text: String) {
        #expect(Inventory.trimmed(text) == text.trimmingCharacters(in: .whitespaces))
    }

    @Test(arguments: ["2024-12-31", "2024-1-31", "2024-12-3x", "20241231", "2024/12/31", "٢٠٢٤-١٢-٣١", "2024-12-31 ", "abcd-ef-gh", ""])
    func datesMatchThePattern(_ text: String) {
        #expect(Inventory.isDate(text) == (text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil))
    }
}
