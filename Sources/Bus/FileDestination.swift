public import Foundation
public import Store

/// Writes each entry to a folder, atomically: first to a temporary file in the same folder,
/// then renamed, so a reader never sees half a message. The name is `<message>-<entry>.<ext>`
/// (`hl7`, `json` or `xml` by the payload's format);
/// delivering the same entry again (after a crash) replaces the file; a replay is a new entry,
/// so it writes a new file.
public struct FileDestination: Destination {
    /// The folder written to (created when missing).
    public var directory: URL

    /// Creates a file destination.
    public init(directory: URL) {
        self.directory = directory
    }

    public func deliver(_ lease: Lease) async -> DeliveryResult {
        let name = "\(lease.entry.messageID)-\(lease.entry.id).\(lease.format.fileExtension)"
        let target = directory.appendingPathComponent(name)
        let temporary = directory.appendingPathComponent(".\(name).\(lease.token).tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(lease.payload).write(to: temporary)
            if FileManager.default.fileExists(atPath: target.path) {
                _ = try FileManager.default.replaceItemAt(target, withItemAt: temporary)
            } else {
                try FileManager.default.moveItem(at: temporary, to: target)
            }
            return DeliveryResult(verdict: .delivered, responseCode: "written")
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            return DeliveryResult(verdict: .retry(reason: "file write failed", retryAfter: nil), error: "cannot write \(name): \(error.localizedDescription)")
        }
    }
}
