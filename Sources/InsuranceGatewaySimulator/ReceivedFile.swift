public import Foundation

/// A file the simulated gateway received: a submission or a check-in, and its answer.
public struct ReceivedFile: Codable, Hashable, Sendable {
    /// `submission` or `check-in`.
    public var kind: String
    /// `maCSKCB` as sent.
    public var facilityCode: String
    /// The tables the file held (`XML1`, `XML2`, …; `XML0` for a check-in).
    public var tables: [String]
    /// The answer's `maKetQua`.
    public var resultCode: String
    /// The answer's `maGiaoDich` (accepted files only).
    public var transactionID: String?
    /// The answer's `thongDiep`.
    public var message: String
    /// When it arrived.
    public var receivedAt: Date
    /// The decoded file (the envelope or the XML0 document); not in the JSON list.
    public var content: Data

    enum CodingKeys: String, CodingKey {
        case kind, facilityCode, tables, resultCode, transactionID, message, receivedAt
    }

    /// Creates a record.
    public init(kind: String, facilityCode: String, tables: [String], resultCode: String, transactionID: String?, message: String, receivedAt: Date, content: Data) {
        self.kind = kind
        self.facilityCode = facilityCode
        self.tables = tables
        self.resultCode = resultCode
        self.transactionID = transactionID
        self.message = message
        self.receivedAt = receivedAt
        self.content = content
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        facilityCode = try container.decode(String.self, forKey: .facilityCode)
        tables = try container.decode([String].self, forKey: .tables)
        resultCode = try container.decode(String.self, forKey: .resultCode)
        transactionID = try container.decodeIfPresent(String.self, forKey: .transactionID)
        message = try container.decode(String.self, forKey: .message)
        receivedAt = try container.decode(Date.self, forKey: .receivedAt)
        content = Data()
    }
}
