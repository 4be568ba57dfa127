import Foundation
import Testing

/// `gridwatch check` on the demand catalogue and on rules that name its items.
@Suite struct CatalogueCommandLineTests {
    @Test func checkReportsCatalogueMistakesAndRulesNamingUnknownItems() throws {
        let directory = try TestPaths.temporaryDirectory("check-catalogue")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try """
        rules:
          - id: band_fall
            match: {type: wristband}
            when: fall
            severity: emergency
            clear: manual
            item: fall_from_bed
        """.write(toFile: directory + "/rules/care.yaml", atomically: true, encoding: .utf8)
        try """
        classes:
          - id: care
            title: {zh: 养老, en: Care}
            items:
              - {id: fall_or_sos, tier: soon, title: {zh: 跌倒, en: Fall}}
        """.write(toFile: directory + "/catalogue.yaml", atomically: true, encoding: .utf8)
        let config = try CommandLineTests.writeConfig(in: directory, extra: """
        rules:
          directory: \(directory)/rules
        tickets:
          catalogue: catalogue.yaml
        """)
        let result = try CommandLineTests.gridwatch(["check", "--config", config], in: directory)
        #expect(result.status == 1)
        #expect(result.output.contains("\(directory)/catalogue.yaml:5:33: error: unknown tier 'soon'"), "\(result.output)")
        #expect(result.output.contains("\(directory)/rules/care.yaml:7:11: error: rule 'band_fall' names unknown item 'fall_from_bed'"),
                "\(result.output)")
    }
}
