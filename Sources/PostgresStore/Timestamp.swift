import Foundation
import NIOCore
import PostgresNIO

/// A time as the PostgreSQL store binds and reads it: a `timestamptz`, rounded to the
/// microsecond the same way `SQLiteStore` rounds, so a time read back equals the time written
/// in both stores (postgres-nio's own `Date` coding truncates).
struct Timestamp: Sendable, Hashable {
    /// Microseconds since 1970.
    var microseconds: Int64

    /// Microseconds from 1970 to PostgreSQL's epoch, 2000-01-01.
    static let postgresEpochOffset: Int64 = 946_684_800 * 1_000_000

    init(_ date: Date) {
        microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// The time as a `Date`.
    var date: Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// The time `duration` later.
    func adding(_ duration: Duration) -> Timestamp {
        Timestamp(microseconds: microseconds + duration.microseconds)
    }
}

extension Timestamp: PostgresNonThrowingEncodable {
    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(microseconds - Self.postgresEpochOffset)
    }
}

extension Timestamp: PostgresDecodable {
    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer,
        type: PostgresDataType,
        format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary, buffer.readableBytes == 8,
            let value = buffer.readInteger(as: Int64.self)
        else { throw PostgresDecodingError.Code.typeMismatch }
        microseconds = value + Self.postgresEpochOffset
    }
}

extension Duration {
    /// Whole microseconds.
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
