import Logging
import PostgresNIO
import Store

extension PostgresStore {
    /// Runs `body` in a transaction on one pooled connection: committed when it returns, rolled
    /// back when it throws. Waits for the schema migration first.
    ///
    /// - Throws: a ``Store/StoreError`` thrown by `body` as it is; any other error as
    ///   ``Store/StoreError/Code/database``.
    func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await gate.wait()
        return try await unlockedTransaction(body)
    }

    /// ``transaction(_:)`` without waiting for the migration (which runs in such transactions).
    func unlockedTransaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await inFlight.track {
                try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: Self.quiet)
                    let value: T
                    do {
                        value = try await body(connection)
                    } catch {
                        // Not on a closed connection (the pool closed it, on shutdown or cancellation):
                        // postgres-nio 1.33 never answers a query written after its handler is gone.
                        // A failed rollback leaves a broken connection, which the pool closes.
                        if !connection.isClosed {
                            _ = try? await connection.query("ROLLBACK", logger: Self.quiet)
                        }
                        throw error
                    }
                    try await connection.query("COMMIT", logger: Self.quiet)
                    return value
                }
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Runs one statement (its own transaction) on a pooled connection, after the migration.
    func statement<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await gate.wait()
        do {
            return try await inFlight.track {
                try await client.withConnection { connection in try await body(connection) }
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Runs one statement and collects its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await statement { connection in try await connection.query(query, logger: Self.quiet).collect() }
    }

    /// The `id` of the first row of an `INSERT … RETURNING id`.
    static func id(_ rows: PostgresRowSequence) async throws -> Int64 {
        guard let row = try await rows.collect().first else { throw StoreError(code: .database) }
        return try row.decode(Int64.self)
    }

    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        return StoreError(code: .database, underlying: error)
    }

    static func check(limit: Int) throws {
        guard limit > 0 else { throw StoreError(code: .invalidArgument) }
    }
}
