import FuzzChecks

/// libFuzzer's entry: `make fuzz` builds this with -sanitize=fuzzer, which supplies main.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLog(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let problem = FuzzChecks.check(.log, Array(UnsafeBufferPointer(start: data, count: size))) {
        fatalError("fuzz log: \(problem)")
    }
    return 0
}
