/// Line numbers of byte offsets in an input (CR, LF and CRLF each end a line), so that errors
/// can name `file:line`. Building it scans the input once; build it only when there is
/// something to report.
public struct LineMap: Sendable {
    private var lineStarts: [Int] = [0]

    /// Indexes the line starts of `bytes`.
    public init(_ bytes: [UInt8]) {
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                lineStarts.append(i + 1)
            } else if bytes[i] == 0x0A {
                lineStarts.append(i + 1)
            }
            i += 1
        }
    }

    /// The 1-based line holding `offset`.
    public func line(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }
}
