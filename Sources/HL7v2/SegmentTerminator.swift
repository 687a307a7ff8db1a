/// The bytes that end a segment. HL7 prescribes CR; files often use LF or CRLF, and the parser
/// accepts all three.
public struct SegmentTerminator: Hashable, Sendable, CustomStringConvertible {
    /// The terminator's bytes.
    public let bytes: [UInt8]

    /// Carriage return (0x0D), the standard terminator.
    public static let cr = SegmentTerminator(bytes: [0x0D])
    /// Line feed (0x0A).
    public static let lf = SegmentTerminator(bytes: [0x0A])
    /// Carriage return followed by line feed.
    public static let crlf = SegmentTerminator(bytes: [0x0D, 0x0A])

    public var description: String {
        switch bytes {
        case [0x0D]: "CR"
        case [0x0A]: "LF"
        case [0x0D, 0x0A]: "CRLF"
        default: bytes.map { String($0, radix: 16) }.joined(separator: " ")
        }
    }
}
