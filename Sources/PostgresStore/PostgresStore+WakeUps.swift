import Logging
import PostgresNIO
import ServiceLifecycle
public import Store

extension PostgresStore: WakeUpSource {
    /// See ``Store/WakeUpSource/wakeUps()``: what the triggers on `message` and `entry` notify
    /// on the channel `lienthong_<schema>`, whichever process (or `psql` session) changed them.
    /// After the listening connection is (re)opened, ``Store/StoreWakeUp/everything``.
    public func wakeUps() -> AsyncStream<StoreWakeUp> {
        hub.subscribe()
    }

    /// The notification channel of the store's schema (the triggers build the same name).
    var notificationChannel: String { "lienthong_\(configuration.schema)" }

    static func wakeUp(_ payload: String) -> StoreWakeUp? {
        if payload == "routing" { return .routing }
        if payload.hasPrefix("queue:") { return .queue(destination: String(payload.dropFirst("queue:".count))) }
        return nil
    }

    /// Listens on one pooled connection until cancelled; on a lost connection, listens again
    /// after a second.
    func listen() async {
        let channel = notificationChannel
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        // Anything may have been stored while nobody listened.
                        hub.publish(.everything)
                        for try await notification in notifications {
                            if let wakeUp = Self.wakeUp(notification.payload) { hub.publish(wakeUp) }
                        }
                    }
                }
            } catch {
                // Cancelled (the store is stopping): not worth a warning.
                guard !Task.isCancelled, !Task.isShuttingDownGracefully else { break }
                logger.warning("Lost the store's wake-up connection; listening again in 1 s", metadata: ["store.error": "\(Self.storeError(error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
