public import Foundation
public import Store
import MLLP

/// Everything `lienthong serve` runs: the store, the channels (a listener, intake settings and
/// routes each) and the destinations (an endpoint and a queue policy each).
///
/// Read from YAML with ``init(yaml:file:environment:)`` or ``init(contentsOf:environment:)``;
/// the format is described in `docs/CONFIGURATION.md`. With no file, `serve` uses
/// ``embeddedDefault(dataDirectory:)``.
public struct BusConfiguration: Sendable {
    /// Where the bus keeps what it must not lose.
    public enum StoreKind: Sendable {
        /// One SQLite file.
        case sqlite(SQLiteStore.Configuration)
    }

    /// The store.
    public var store: StoreKind
    /// The channels, in file order.
    public var channels: [ChannelConfiguration]
    /// The destinations, in file order.
    public var destinations: [DestinationConfiguration]

    /// Creates a configuration; ``validate()`` checks that routes name known destinations.
    public init(store: StoreKind, channels: [ChannelConfiguration], destinations: [DestinationConfiguration]) {
        self.store = store
        self.channels = channels
        self.destinations = destinations
    }

    /// The configuration of `lienthong serve` without `--config`: SQLite in
    /// `<dataDirectory>/lienthong.sqlite`, one channel `default` listening for MLLP on
    /// 127.0.0.1:2575, routing every message to the destination `outbox`, a folder
    /// `<dataDirectory>/outbox/`.
    public static func embeddedDefault(dataDirectory: URL = URL(fileURLWithPath: "data")) -> BusConfiguration {
        let data = dataDirectory.standardizedFileURL
        return BusConfiguration(
            store: .sqlite(.init(path: data.appendingPathComponent("lienthong.sqlite").path)),
            channels: [
                ChannelConfiguration(name: "default", listener: .init(host: "127.0.0.1", port: 2575), routes: [Route(destination: "outbox")])
            ],
            destinations: [
                DestinationConfiguration(name: "outbox", endpoint: .file(directory: data.appendingPathComponent("outbox")))
            ]
        )
    }

    /// Checks what single values cannot: unique names, routes to known destinations, distinct
    /// listener addresses.
    ///
    /// - Throws: ``ConfigurationError`` naming the first problem.
    public func validate(file: String = "configuration") throws(ConfigurationError) {
        var destinationNames = Set<String>()
        for destination in destinations {
            guard destinationNames.insert(destination.name).inserted else {
                throw ConfigurationError(file: file, key: "destinations.\(destination.name)", message: "a second destination with this name")
            }
        }
        var channelNames = Set<String>()
        var addresses = [String: String]()
        for channel in channels {
            guard channelNames.insert(channel.name).inserted else {
                throw ConfigurationError(file: file, key: "channels.\(channel.name)", message: "a second channel with this name")
            }
            let address = "\(channel.listener.host):\(channel.listener.port)"
            if channel.listener.port != 0, let other = addresses.updateValue(channel.name, forKey: address) {
                throw ConfigurationError(file: file, key: "channels.\(channel.name).mllp", message: "listens on \(address), as channel \(other) does")
            }
            for (index, route) in channel.routes.enumerated() where !destinationNames.contains(route.destination) {
                throw ConfigurationError(
                    file: file, key: "channels.\(channel.name).routes[\(index)].destination",
                    message: "no destination named \"\(route.destination)\"")
            }
        }
    }
}
