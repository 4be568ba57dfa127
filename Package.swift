// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "gridwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gridwatch", targets: ["gridwatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Webhooks' HTTP client.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Cluster mode's store.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // libmosquitto from Debian's libmosquitto-dev.
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        // libxlsxwriter from Debian's libxlsxwriter-dev: the spreadsheets the assessors read.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // The MQTT loop's burst buffers: libmosquitto's reads and writes of its socket, gathered.
        .target(name: "CSocketBurst"),
        .target(name: "MQTT", dependencies: [
            "CMosquitto", "CSocketBurst",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // libdeflate's crc32 (the journal's checksum, the same IEEE CRC-32 as zlib's and the
        // table's before it, folded with carry-less multiplies where the CPU has them).
        .systemLibrary(
            name: "CLibdeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .target(name: "Journal", dependencies: ["CLibdeflate"]),
        // glibc's malloc.h (malloc_trim after the gateway's start, mallopt as `run` begins).
        .systemLibrary(name: "CMalloc"),
        // The text formats Devices and Simulation share: JSON, durations, CSV, RFC 3339 and
        // compiler-style diagnostics for YAML files.
        .target(name: "Formats", dependencies: [
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Devices", dependencies: [
            "Formats",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Simulation", dependencies: ["Formats"]),
        // Maintenance before failure: battery run-out forecasts, replacement tallies, self-test checks.
        // Pure (time is an argument), Devices and Formats only.
        .target(name: "Maintenance", dependencies: ["Devices", "Formats"]),
        .target(name: "Rules", dependencies: [
            "Devices", "Formats",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Tickets", dependencies: [
            "Devices", "Formats", "GridDispatch",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Grids, staff and dispatch: pure (time is an argument), Foundation and Devices only.
        // Not named "Dispatch": that is libdispatch's module, which Foundation imports.
        .target(name: "GridDispatch", dependencies: ["Devices", "Formats"]),
        // The assessed indicators ("3+X"): pure, built from the service figures of each period.
        .target(name: "Indicators", dependencies: [
            "Tickets", "Formats",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Reports as XLSX workbooks (libxlsxwriter): an adapter, kept out of the pure targets.
        .target(name: "Workbooks", dependencies: ["CXlsxWriter", "Indicators", "Tickets"]),
        // sqlite3_config (variadic, so out of Swift's reach): process-wide SQLite settings.
        .target(name: "CSQLiteSettings", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "Storage", dependencies: [
            "Devices", "Formats", "Rules", "Tickets", "GridDispatch", "Indicators", "Maintenance", "CSQLiteSettings",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // The store seam's PostgreSQL side (cluster mode).
        .target(name: "PostgresStorage", dependencies: [
            "Storage", "Devices", "Formats", "Rules", "Tickets", "GridDispatch", "Indicators", "Maintenance",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "HTTPAPI", dependencies: [
            "Storage", "Devices", "Formats", "Rules", "Tickets", "GridDispatch", "Indicators", "Maintenance", "Workbooks",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ],
        // docs/openapi.yaml (a link) compiled into the binary: served without a file to install or find.
        resources: [.embedInCode("openapi.yaml")]),
        .target(name: "Notifications", dependencies: [
            "Storage", "Devices", "Formats", "Tickets",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Gateway", dependencies: [
            "MQTT", "Journal", "Devices", "Formats", "Rules", "Tickets", "Storage", "PostgresStorage", "HTTPAPI", "Notifications", "GridDispatch", "Simulation", "Indicators", "Maintenance", "Workbooks", "CMalloc",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .executableTarget(name: "gridwatch", dependencies: [
            "Gateway", "Simulation", "MQTT", "Storage", "PostgresStorage", "Devices", "Formats", "Rules", "Tickets", "HTTPAPI", "GridDispatch", "Indicators", "Maintenance", "Workbooks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Simulation"]),
        .testTarget(name: "DevicesTests", dependencies: ["Devices", "Formats", "Simulation"], exclude: ["Fixtures"]),
        .testTarget(name: "JournalTests", dependencies: ["Journal", "TestServers"]),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT"]),
        .testTarget(name: "MaintenanceTests", dependencies: ["Maintenance", "Devices", "Formats"]),
        // Real servers for the tests (mosquitto's and PostgreSQL's processes, free ports).
        .target(name: "TestServers", path: "Tests/TestServers"),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "PostgresStorage", "TestServers", "Devices", "Formats", "Rules", "Tickets", "GridDispatch", "Gateway",
                                                        "Indicators", "Maintenance", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation"]),
        .testTarget(name: "GridDispatchTests", dependencies: ["GridDispatch", "Devices", "Formats"]),
        .testTarget(name: "IndicatorsTests", dependencies: ["Indicators", "Tickets", "Formats"]),
        .testTarget(name: "WorkbooksTests", dependencies: ["Workbooks", "Indicators", "Tickets", "TestServers"]),
        .testTarget(name: "TicketsTests", dependencies: ["Tickets", "GridDispatch", "Devices", "Formats", "Simulation"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Devices", "Formats", "Simulation"], exclude: ["Fixtures"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Journal", "TestServers", "Storage", "Devices", "Formats", "Rules", "Tickets", "GridDispatch", "Indicators", "MQTT",
                                                        .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "HTTPAPITests", dependencies: ["HTTPAPI", "Devices", "Formats", "Tickets", "GridDispatch", "Storage", "Indicators", "Maintenance",
                                                        .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                        .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "NotificationsTests", dependencies: [
            "Notifications", "Gateway", "Storage", "Devices", "Formats",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "IntegrationTests", dependencies: ["Storage", "PostgresStorage", "TestServers", "Devices", "Formats", "Rules", "Tickets", "GridDispatch", "Indicators", "Maintenance",
                                                            "Gateway", "MQTT", .product(name: "Logging", package: "swift-log")]),
    ]
)
