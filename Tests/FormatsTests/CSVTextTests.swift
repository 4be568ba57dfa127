import Formats
import Testing

/// CSV both ways: cells keep their positions for diagnostics, and escaping round-trips.
@Suite struct CSVTextTests {
    @Test func keepsLinesAndColumnsOfCells() {
        let rows = CSVText.rows("id,name\nd1,\"Wang, Li\"\n\nd2,x\n")
        #expect(rows.map(\.line) == [1, 2, 4])
        #expect(rows[1].cells.map(\.text) == ["d1", "Wang, Li"])
        #expect(rows[1].cells.map(\.column) == [1, 4])
    }

    @Test func countsColumnsInScalarsPastMultiByteText() {
        let rows = CSVText.rows("张三,é,x\r\n\"李,四\",ü\u{1F600},end\r\n")
        #expect(rows.map(\.line) == [1, 2])
        #expect(rows[0].cells.map(\.text) == ["张三", "é", "x"])
        #expect(rows[0].cells.map(\.column) == [1, 4, 6])
        #expect(rows[1].cells.map(\.text) == ["李,四", "ü\u{1F600}", "end"])
        #expect(rows[1].cells.map(\.column) == [1, 7, 10])
    }

    @Test func readsQuotedLineBreaksAndDoubledQuotes() {
        let rows = CSVText.rows("a,\"say \"\"hi\"\"\nthere\"\nb,c")
        #expect(rows[0].cells[1].text == "say \"hi\"\nthere")
        #expect(rows[1].line == 3)
    }

    @Test(arguments: [("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
                      ("two\nlines", "\"two\nlines\""), ("cr\rhere", "\"cr\rhere\""), ("crlf\r\n", "\"crlf\r\n\""), ("", "")])
    func escapes(_ value: String, _ field: String) {
        #expect(CSVText.escape(value) == field)
    }

    @Test func escapedFieldsReadBackUnchanged() {
        let values = ["x", "a,b", "q\"uote", "line\nbreak", ""]
        let text = values.map(CSVText.escape).joined(separator: ",")
        #expect(CSVText.rows(text).first?.cells.map(\.text) == values)
    }
}
