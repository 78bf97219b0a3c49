// SHA-256 (FIPS 180-4) of a file's bytes, so that a printed checklist or a JSON document can be
// matched to the exact source it was compiled from (`sha256sum file.runbook` gives the same).

/// The SHA-256 digest of `bytes` as 64 lowercase hexadecimal digits.
public func sha256Hex(_ bytes: [UInt8]) -> String {
  var state: [UInt32] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]
  // The whole blocks are read where they are; only the last, padded with 0x80, zeros and the
  // length in bits, is copied.
  let whole = bytes.count / 64 * 64
  var tail = Array(bytes[whole...])
  tail.append(0x80)
  while tail.count % 64 != 56 { tail.append(0) }
  let bitLength = UInt64(bytes.count) &* 8
  for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
  state.withUnsafeMutableBufferPointer { state in
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { words in
      bytes.withUnsafeBytes { input in
        for offset in stride(from: 0, to: whole, by: 64) {
          compress(UnsafeRawBufferPointer(rebasing: input[offset..<offset + 64]), state: state, words: words)
        }
      }
      tail.withUnsafeBytes { input in
        for offset in stride(from: 0, to: input.count, by: 64) {
          compress(UnsafeRawBufferPointer(rebasing: input[offset..<offset + 64]), state: state, words: words)
        }
      }
    }
  }
  return state.map { hex($0, width: 8).lowercased() }.joined()
}

/// The compression function over one block of 64 bytes; `words` is room for the message
/// schedule. The rotations are nested, `(x ^ (x ^ x⋙14)⋙5)⋙6` for `x⋙6 ^ x⋙11 ^ x⋙25`: the
/// same value in fewer instructions, as are the round constants written into the code.
private func compress(
  _ block: UnsafeRawBufferPointer, state: UnsafeMutableBufferPointer<UInt32>, words: UnsafeMutableBufferPointer<UInt32>
) {
  for index in 0..<16 {
    words[index] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
  }
  for index in stride(from: 16, to: 64, by: 4) {
    scheduleWord(words, index)
    scheduleWord(words, index + 1)
    scheduleWord(words, index + 2)
    scheduleWord(words, index + 3)
  }
  var a = state[0], b = state[1], c = state[2], d = state[3]
  var e = state[4], f = state[5], g = state[6], h = state[7]
  var bc = b ^ c
  eightRounds(&a, &b, &c, &d, &e, &f, &g, &h, &bc, words, 0, 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5)
  eightRounds(&a, &b, &c, &d, &e, &f, &g, &h, &bc, words, 8, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174)
  eightRounds(&a, &b, &c, &d, &e, &f, &g, &h, &bc, words, 16, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da)
  eightRounds(&a, &b, &c, &d, &e, &f, &g, &h, &bc, words, 24, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967)
  eightRounds(&a, &b, &c, &d, &e, &f, &g, &h, &bc, words, 32, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85)
  eightRounds(&a, &b, &c, &d, &e, &f, &g, &h, &bc, words, 40, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070)
  eightRounds(&a, &b, &c, &d, &e, &f, &g, &h, &bc, words, 48, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3)
  eightRounds(&a, &b, &c, &d, &e, &f, &g, &h, &bc, words, 56, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2)
  state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
  state[4] &+= e; state[5] &+= f; state[6] &+= g; state[7] &+= h
}

/// One word of the message schedule.
@inline(__always)
private func scheduleWord(_ words: UnsafeMutableBufferPointer<UInt32>, _ index: Int) {
  let early = words[index - 15], late = words[index - 2]
  let s0 = rotate(early ^ rotate(early, 11), 7) ^ (early >> 3)
  let s1 = rotate(late ^ rotate(late, 2), 17) ^ (late >> 10)
  words[index] = words[index - 16] &+ s0 &+ words[index - 7] &+ s1
}

/// Eight rounds from `index` with their round constants, the working variables renamed from
/// round to round instead of moved; after eight they are back in their places.
@inline(__always)
private func eightRounds(
  _ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32,
  _ e: inout UInt32, _ f: inout UInt32, _ g: inout UInt32, _ h: inout UInt32, _ bc: inout UInt32,
  _ words: UnsafeMutableBufferPointer<UInt32>, _ index: Int,
  _ k0: UInt32, _ k1: UInt32, _ k2: UInt32, _ k3: UInt32, _ k4: UInt32, _ k5: UInt32, _ k6: UInt32, _ k7: UInt32
) {
  round(a, b, &d, e, f, g, &h, &bc, k0 &+ words[index])
  round(h, a, &c, d, e, f, &g, &bc, k1 &+ words[index + 1])
  round(g, h, &b, c, d, e, &f, &bc, k2 &+ words[index + 2])
  round(f, g, &a, b, c, d, &e, &bc, k3 &+ words[index + 3])
  round(e, f, &h, a, b, c, &d, &bc, k4 &+ words[index + 4])
  round(d, e, &g, h, a, b, &c, &bc, k5 &+ words[index + 5])
  round(c, d, &f, g, h, a, &b, &bc, k6 &+ words[index + 6])
  round(b, c, &e, f, g, h, &a, &bc, k7 &+ words[index + 7])
}

/// One round: `d` and `h` are the variables it changes (in the standard's terms, the new `e`
/// and the new `a`); `input` is the round constant plus the schedule word. The majority of
/// `a`, `b` and `c` is `b ^ ((a ^ b) & (b ^ c))`, and this round's `a ^ b` is the next round's
/// `b ^ c`: `bc` carries it.
@inline(__always)
private func round(
  _ a: UInt32, _ b: UInt32, _ d: inout UInt32,
  _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ bc: inout UInt32, _ input: UInt32
) {
  let choice = g ^ (e & (f ^ g))
  let temp1 = h &+ rotate(e ^ rotate(e ^ rotate(e, 14), 5), 6) &+ choice &+ input
  let ab = a ^ b
  let majority = b ^ (ab & bc)
  bc = ab
  d &+= temp1
  h = temp1 &+ rotate(a ^ rotate(a ^ rotate(a, 9), 11), 2) &+ majority
}

@inline(__always)
private func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
  (value >> count) | (value << (32 - count))
}
