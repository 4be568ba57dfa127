extension JSONParser {
    /// Powers of ten a `Double` holds exactly (10^22 is the last).
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { power, _ in power * 10 }
    }

    /// The value of a number token a sensor typically sends (`21.6`, `118.790767`, `1795363199402`)
    /// worked out from its digits, or nil for the rest (an exponent, more than 18 integer digits,
    /// a decimal whose digits pass 2^53), which goes through `Int64(String)` and `Double(String)`.
    /// Making a `String` of the token and handing it to `strtod` was about 7 % of decoding a
    /// payload (perf of replay). Exact, not approximate: a decimal with at most 2^53 as its
    /// digits and at most 22 of them after the point is one correctly rounded division of two
    /// exactly held doubles (Clinger's fast path), which is what `strtod` returns for it.
    /// `token` is what `scanNumber` accepted.
    static func shortNumber(_ token: UnsafeBufferPointer<UInt8>, isInteger: Bool) -> JSONValue? {
        var position = 0
        let negative = token[0] == UInt8(ascii: "-")
        if negative { position = 1 }
        var digits: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        var afterPoint = false
        while position < token.count {
            let byte = token[position]
            position += 1
            if byte == UInt8(ascii: ".") {
                afterPoint = true
                continue
            }
            // An exponent: left to strtod.
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            digitCount += 1
            // 18 digits always fit in Int64; past that, the general path decides.
            guard digitCount <= 18 else { return nil }
            digits = digits * 10 + UInt64(byte - 0x30)
            if afterPoint { fractionDigits += 1 }
        }
        if isInteger {
            let magnitude = Int64(digits)
            return .int(negative ? -magnitude : magnitude)
        }
        guard digits <= 1 << 53, fractionDigits < exactPowersOfTen.count else { return nil }
        let magnitude = Double(digits) / exactPowersOfTen[fractionDigits]
        return .double(negative ? -magnitude : magnitude)
    }
}
