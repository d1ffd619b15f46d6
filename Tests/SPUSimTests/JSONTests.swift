import Testing
@testable import SPUCore

@Suite struct JSONTests {
    @Test func parsesAndRoundTripsCanonically() throws {
        let value = try JSONParser.parse(#"{"b": [1, 2.5, -3e2, true, null], "a": {"x": "h\u00e9\n"}}"#)
        #expect(JSONWriter.canonical(value) == #"{"a":{"x":"hé\n"},"b":[1,2.5,-300,true,null]}"#)
        #expect(try JSONParser.parse(JSONWriter.pretty(value)) == value)
        // Key order does not change the canonical text, hence the hash.
        let reordered = try JSONParser.parse(#"{"a": {"x": "h\u00e9\n"}, "b": [1, 2.5, -300, true, null]}"#)
        #expect(JSONWriter.canonical(reordered) == JSONWriter.canonical(value))
    }

    @Test(arguments: [
        (#"{"a": 1,}"#, "expected a string key"),
        (#"{"a": NaN}"#, "NaN and Infinity are not valid JSON numbers"),
        (#"{"a": 1e400}"#, "out of range"),
        (#"{"a": 1, "a": 2}"#, "duplicate key \"a\""),
        (#"[1, 2"#, "unexpected end of input"),
        (#"{"a": 01}"#, "expected ',' or '}'"),
    ])
    func rejectsInvalidJSON(text: String, message: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted invalid JSON \(text)")
        } catch {
            #expect(error.message.contains(message), "\(error.description)")
        }
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": tru\n}")
            Issue.record("accepted invalid literal")
        } catch {
            #expect(error.line == 2 && error.column == 8)
        }
    }

    @Test func sha256MatchesFIPSVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func jsonPathsAddressKeysAndExplainBadSyntax() throws {
        let document = try JSONParser.parse(#"{"compute": {"macs_per_cycle": {"fp8-e4m3": 2048}}}"#)
        let path = try JSONPath(parsing: #"$.compute.macs_per_cycle["fp8-e4m3"]"#)
        #expect(path.keys == ["compute", "macs_per_cycle", "fp8-e4m3"])
        #expect(path.value(in: document) == .number(2048))
        #expect(path.value(in: path.setting(.number(4096), in: document)) == .number(4096))
        #expect(throws: JSONPathError(text: "compute.rows", rule: "must start with $")) { try JSONPath(parsing: "compute.rows") }
        #expect(JSONPathError(text: "$", rule: "addresses the whole document").description == #"invalid JSON path "$": addresses the whole document"#)
    }
}
