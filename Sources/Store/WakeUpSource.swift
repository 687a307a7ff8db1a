/// A store that announces work stored by anyone — this process, another bus process sharing the
/// database, the CLI replaying a dead letter — so that the router and the workers wake up at
/// once instead of at their next poll (PostgreSQL: `LISTEN`/`NOTIFY`).
///
/// ```swift
/// for await wakeUp in store.wakeUps() {
///     switch wakeUp {
///     case .routing: routerDoorbell.ring()
///     case .queue(let destination): doorbells[destination]?.ring()
///     case .everything: ringAll()
///     }
/// }
/// ```
/// Wake-ups are hints: one may be lost (a dropped connection), or come for work already taken;
/// keep polling, less often.
public protocol WakeUpSource: Sendable {
    /// The wake-ups from now on, until the caller stops iterating (or the store stops).
    func wakeUps() -> AsyncStream<StoreWakeUp>
}
