import FuzzChecks
import FuzzDriver

/// libFuzzer's entry: `make fuzz` builds this with -sanitize=fuzzer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzChecks.fuzzOne(.parser, data, size)
}

/// The entry point SwiftPM links every executable to (this file is compiled as a library, with
/// -parse-as-library, so it has no top-level code): libFuzzer's driver takes over from here.
@_cdecl("FuzzParser_main")
public func fuzzParserMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    aaswift_fuzz_main(argc, argv)
}
