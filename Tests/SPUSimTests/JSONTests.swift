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

    /// Messages around the block and padding boundaries (55/56 bytes: one or two padding blocks;
    /// 64: a whole block and a padding block), against Python's hashlib.
    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"), (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"), (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"), (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"), (128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"),
        (1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ])
    func sha256AcrossBlockBoundaries(length: Int, digest: String) {
        #expect(SHA256.hex(String(repeating: "a", count: length)) == digest)
        #expect(SHA256.hex(bytes: Array(repeating: 0x61, count: length)) == digest)
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
