#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
// `timespec` is also visible through CoreFoundation once swift-certificates is linked (MLLP).
#if canImport(CoreFoundation)
import CoreFoundation
#endif

/// The CPU time this process has used (user + system, all threads), in seconds: what the
/// benchmark rates of `--stats` are counted on, so that other load on the machine does not
/// change them much.
enum CPUTime {
    static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
