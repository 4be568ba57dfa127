import ArgumentParser
import Devices
import Foundation
import Gateway
import Logging
import Storage

/// `gridwatch run`: the service.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the gateway: ingest, store, serve HTTP.")

    @Option(name: .long, help: "Configuration file.") var config: String = "config/gridwatch.yaml"
    @Option(name: .customLong("mqtt-url"), help: "Broker URL, mqtt://HOST:PORT or mqtts://HOST:PORT.") var mqttURL: String?
    @Option(name: .long, help: "SQLite database path.") var db: String?
    @Option(name: .long, help: "PostgreSQL store URL postgresql://USER@HOST:PORT/DATABASE instead of the SQLite file (password from storage.password_file or PGPASSWORD).")
    var store: String?
    @Option(name: .long, help: "This instance's name among those sharing a store (default: host name and pid).") var instance: String?
    @Option(name: .long, help: "Journal directory (default: next to the database).") var journal: String?
    @Option(name: .customLong("http-listen"), help: "HTTP listen address HOST:PORT.") var httpListen: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel: String?

    func run() async throws {
        // First thing: the threads the service starts from here on share the arenas made so far.
        let heap = HeapSettings.applyForService()
        // Before any SQLite file opens, or SQLite keeps its memory statistics (a lock per allocation).
        let sqliteStatisticsOff = SQLiteProcessSettings.memoryStatisticsOff
        let setup = GatewaySetup.load(configPath: config) { config in
            if let mqttURL { config.mqttURL = mqttURL }
            // An explicit SQLite file wins over a configured storage.url, as in every other command.
            if let db {
                config.databasePath = db
                config.storageURL = nil
            }
            if let store { config.storageURL = store }
            if let instance { config.instanceName = instance }
            if let journal { config.journalPath = journal }
            if let httpListen { config.httpListen = httpListen }
            if let logLevel { config.logLevel = logLevel }
        }
        for diagnostic in setup.diagnostics { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
        if setup.hasErrors { throw ExitCode(1) }
        let level = Logger.Level(rawValue: setup.config.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "gridwatch")
        logger.logLevel = level
        logger.debug("malloc settings", metadata: ["heap": "\(heap)", "sqlite_memory_statistics_off": "\(sqliteStatisticsOff)"])
        do {
            // Consumed: the runner lets go of the parsed inventory once it is in the store.
            try await GatewayRunner.run(setup: consume setup, logger: logger)
        } catch {
            logger.critical("gridwatch stopped: \(error)")
            throw ExitCode(1)
        }
    }
}
