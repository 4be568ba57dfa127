import Foundation

/// A real XLSX reader for the tests: openpyxl (PyPI, pinned; scripts/test installs it into
/// `.build/openpyxl`) opens a workbook, and what it found — every sheet's cells, number formats,
/// bold cells, frozen panes and charts — comes back decoded.
public enum WorkbookReader {
    public static let python = TestPaths.repository + "/.build/openpyxl/bin/python"

    /// A workbook as openpyxl read it.
    public struct Workbook: Decodable {
        public var sheets: [Sheet]

        public subscript(name: String) -> Sheet? { sheets.first { $0.name == name } }
    }

    /// One sheet: rows of cells from A1, as far as openpyxl's used range reaches.
    public struct Sheet: Decodable {
        public var name: String
        /// `B2`: the first cell that scrolls; nil when nothing is frozen.
        public var freeze: String?
        public var rows: [[Cell?]]
        public var formats: [[String]]
        public var bold: [[Bool]]
        public var charts: [Chart]

        /// The row whose first cell reads `text`.
        public func row(startingWith text: String) -> [Cell?]? { rows.first { $0.first??.text == text } }
    }

    /// A cell's value by type: exactly one is set.
    public struct Cell: Decodable, Equatable {
        public var number: Double?
        public var text: String?
        public var flag: Bool?
        /// ISO 8601 without a zone, as Excel keeps it.
        public var moment: String?
    }

    /// A chart: its kind (`lineChart`), title and series' cell references.
    public struct Chart: Decodable {
        public var kind: String
        public var title: String?
        public var series: [Series]
    }

    /// One series: its name and the formulas of its values and categories (`'Trend'!$C$5:$I$5`).
    public struct Series: Decodable {
        public var name: String?
        public var values: String?
        public var categories: String?
    }

    /// Reads `path` with openpyxl; throws with the way to install it when the venv is missing.
    public static func read(_ path: String) throws -> Workbook {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ReaderError(message: "openpyxl is not installed at \(python): run scripts/test (it installs the pinned openpyxl into .build/openpyxl)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ReaderError(message: "openpyxl could not read \(path) (exit \(process.terminationStatus)): \(problems)")
        }
        return try JSONDecoder().decode(Workbook.self, from: data)
    }

    /// Why a workbook could not be read.
    public struct ReaderError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static let script = """
        import datetime, json, sys
        import openpyxl

        def cell(c):
            v = c.value
            if v is None: return None
            if isinstance(v, bool): return {"flag": v}
            if isinstance(v, (int, float)): return {"number": float(v)}
            if isinstance(v, datetime.datetime): return {"moment": v.isoformat()}
            # A duration format ([h]:mm) reads as a timedelta: back to Excel's own value, days.
            if isinstance(v, datetime.timedelta): return {"number": v.total_seconds() / 86400}
            return {"text": str(v)}

        def rich_text(title):
            if title is None or title.tx is None or title.tx.rich is None: return None
            return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))

        def ref(data):
            if data is None: return None
            for r in (getattr(data, "numRef", None), getattr(data, "strRef", None)):
                if r is not None: return r.f
            return None

        def chart(ch):
            series = [{"name": s.tx.v if s.tx is not None else None, "values": ref(s.val), "categories": ref(s.cat)} for s in ch.series]
            return {"kind": ch.tagname, "title": rich_text(ch.title), "series": series}

        book = openpyxl.load_workbook(sys.argv[1])
        sheets = []
        for ws in book.worksheets:
            rows = list(ws.iter_rows())
            sheets.append({"name": ws.title, "freeze": ws.freeze_panes,
                           "rows": [[cell(c) for c in row] for row in rows],
                           "formats": [[c.number_format for c in row] for row in rows],
                           "bold": [[bool(c.font is not None and c.font.b) for c in row] for row in rows],
                           "charts": [chart(ch) for ch in ws._charts]})
        json.dump({"sheets": sheets}, sys.stdout, ensure_ascii=False)
        """
}
