/// guv's scale-down damping: up at once, down only as far as recent estimates allow.
///
/// Starting and stopping workers is not free, so a single quiet poll after a busy
/// minute must not stop the workers that the next burst needs.
public enum Hysteresis {
    /// The worker count to set, or nil to keep `current`.
    /// - Parameters:
    ///   - estimate: this iteration's estimate.
    ///   - current: workers now in the formation; nil when unknown (then: set the estimate).
    ///   - history: previous estimates inside the window (oldest first), this one excluded.
    public static func next(estimate: Int, current: Int?, history: [Int]) -> Int? {
        guard let current else { return estimate }
        if estimate > current { return estimate }
        if estimate == current { return nil }
        guard let recentMax = history.max(), estimate < recentMax else { return estimate }
        return recentMax < current ? recentMax : nil
    }
}
