import Foundation

/// BERT's uncased WordPiece tokenizer, as `BertTokenizer` / HuggingFace `tokenizers`
/// (BertNormalizer + BertPreTokenizer + WordPiece) configure it for all-MiniLM-L6-v2
/// (`tokenizer.json`: clean_text, handle_chinese_chars, lowercase, strip_accents follows lowercase).
///
/// Steps: drop NUL, U+FFFD and control characters, map whitespace to a space; put spaces around CJK
/// ideographs; lower-case, decompose (NFD) and drop combining marks (accents); split on whitespace
/// and on every punctuation character (ASCII symbol ranges and Unicode category P*); each word is
/// split greedily longest-match-first into vocabulary pieces, continuations prefixed `##`; a word
/// longer than 100 characters or with an unmatched piece becomes `[UNK]`. The sequence is
/// `[CLS] … [SEP]`, truncated so that it holds at most `maxLength` ids.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: [String: Int]
    public let maxLength: Int
    public let clsID: Int, sepID: Int, unkID: Int
    static let maxCharactersPerWord = 100

    public enum TokenizerError: Error, CustomStringConvertible {
        case missingToken(String)
        public var description: String {
            switch self { case let .missingToken(t): return "vocabulary has no \(t) token" }
        }
    }

    /// - Parameter vocabularyText: `vocab.txt`, one token per line; the line number (from 0) is the id.
    public init(vocabularyText: String, maxLength: Int) throws(TokenizerError) {
        var vocabulary: [String: Int] = [:]
        var lines = vocabularyText.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }   // the trailing newline
        for (id, line) in lines.enumerated() {
            let token = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if vocabulary[token] == nil { vocabulary[token] = id }
        }
        guard let cls = vocabulary["[CLS]"] else { throw .missingToken("[CLS]") }
        guard let sep = vocabulary["[SEP]"] else { throw .missingToken("[SEP]") }
        guard let unk = vocabulary["[UNK]"] else { throw .missingToken("[UNK]") }
        self.vocabulary = vocabulary
        self.maxLength = max(2, maxLength)
        self.clsID = cls; self.sepID = sep; self.unkID = unk
    }

    /// Token ids of one sentence, `[CLS]` first and `[SEP]` last.
    public func encode(_ text: String) -> [Int] {
        var ids = [clsID]
        for word in Self.basicTokens(text) {
            ids += wordPiece(word)
            if ids.count >= maxLength - 1 { break }
        }
        if ids.count > maxLength - 1 { ids.removeLast(ids.count - (maxLength - 1)) }
        ids.append(sepID)
        return ids
    }

    /// The normalised, whitespace- and punctuation-split words (BERT's BasicTokenizer, uncased).
    public static func basicTokens(_ text: String) -> [String] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0 || v == 0xFFFD || isControl(scalar) { continue }
            if isWhitespace(scalar) { cleaned.append(" "); continue }
            if isCJK(v) { cleaned.append(" "); cleaned.append(scalar); cleaned.append(" "); continue }
            cleaned.append(scalar)
        }
        let lowered = String(cleaned).lowercased().decomposedStringWithCanonicalMapping
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() { if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() } }
        for scalar in lowered.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if isWhitespace(scalar) { flush(); continue }
            if isPunctuation(scalar) { flush(); words.append(String(Character(scalar))); continue }
            current.append(scalar)
        }
        flush()
        return words
    }

    func wordPiece(_ word: String) -> [Int] {
        let chars = Array(word.unicodeScalars)
        guard chars.count <= Self.maxCharactersPerWord else { return [unkID] }
        var pieces: [Int] = []
        var start = 0
        while start < chars.count {
            var end = chars.count
            var found: Int?
            while start < end {
                var piece = String(String.UnicodeScalarView(chars[start..<end]))
                if start > 0 { piece = "##" + piece }
                if let id = vocabulary[piece] { found = id; break }
                end -= 1
            }
            guard let id = found else { return [unkID] }
            pieces.append(id)
            start = end
        }
        return pieces
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        if s == " " || s == "\t" || s == "\n" || s == "\r" { return true }
        return s.properties.generalCategory == .spaceSeparator
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format: return true
        default: return false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    static func isCJK(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}
