extension MessageStore {
    /// Every dead letter not replayed yet, of one destination or of all, in enqueue order (all
    /// pages of ``deadLetters(destination:includingReplayed:after:limit:)``): what "retry the
    /// dead letters" replays, from the CLI and the admin API.
    public func unreplayedDeadLetters(destination: String?) async throws -> [EntryID] {
        var ids: [EntryID] = []
        var after: EntryID?
        while true {
            let page = try await deadLetters(destination: destination, includingReplayed: false, after: after, limit: 500)
            guard let last = page.last else { break }
            ids += page.map(\.id)
            after = last.id
        }
        return ids
    }
}
