// How the process takes memory from the system, set once before a command that compiles files
// and exits (`check`, `build`, `plan`, `fmt`).
//
// Compiling a large runbook fills tens of megabytes of fresh memory, and the kernel hands it over
// one 4 KiB page at a time, a fault for each: `check` of 100,000 steps took 19,000 faults, a
// quarter of its time. The heap is therefore grown in one large step and marked as worth backing
// with 2 MiB pages (`madvise(MADV_HUGEPAGE)`), and blocks up to glibc's largest are taken from it
// rather than each mapped on its own; the same run then takes under a thousand faults. This is
// what glibc's own tunable `glibc.malloc.hugetlb=1` does, set by the program instead of by each
// user's environment. The price: memory freed at the top of the heap is kept, up to one step,
// rather than handed back at once. Where the kernel gives no large pages (`transparent_hugepage`
// set to `never`), nothing changes but the step the heap grows by; where `mallopt` is not found,
// nothing changes at all.
//
// Not for the language server, which lives long and should give memory back after a large file.
import Glibc

enum HeapSetup {
  /// How far the heap grows at a time: reserved address space, not memory; a page becomes memory
  /// only when it is first written.
  static let growthStep = 256 << 20
  /// Blocks up to this size come from the heap (glibc's largest allowed threshold); larger ones
  /// are still mapped on their own.
  static let largestHeapBlock = 32 << 20
  /// The size of a large page on x86_64 and arm64 with 4 KiB pages.
  static let largePage = 2 << 20

  /// `mallopt`'s parameters, from glibc's `malloc.h` (which the Glibc module does not include).
  private static let topPad: Int32 = -2
  private static let mmapThreshold: Int32 = -3

  /// The last block taken to grow the heap: kept in a global so that the allocation is made (a
  /// `malloc` whose result is freed unused may be removed by the optimiser).
  nonisolated(unsafe) private static var growthProbe: UnsafeMutableRawPointer?

  /// Sets the heap up as above. A step that fails ends the setup there; what the steps before
  /// it set stays, each harmless on its own.
  static func prepareForCompiling() {
    typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(nil, "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: MalloptFunction.self)
    guard mallopt(mmapThreshold, Int32(largestHeapBlock)) == 1, mallopt(topPad, Int32(growthStep)) == 1 else { return }
    // A block larger than the heap's free top makes it grow now, by the block and the step.
    let before = Int(bitPattern: sbrk(0))
    growthProbe = malloc(1 << 20)
    free(growthProbe)
    let after = Int(bitPattern: sbrk(0))
    let start = (before + largePage - 1) & ~(largePage - 1)
    guard before > 0, after > start else { return }
    // Advice, not a demand: a kernel that cannot give large pages keeps small ones.
    _ = madvise(UnsafeMutableRawPointer(bitPattern: start), after - start, MADV_HUGEPAGE)
  }
}
