import FuzzChecks

/// libFuzzer's entry: `make fuzz` builds this with -sanitize=fuzzer, which supplies main.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let problem = FuzzChecks.check(.parser, Array(UnsafeBufferPointer(start: data, count: size))) {
        fatalError("fuzz parser: \(problem)")
    }
    return 0
}
