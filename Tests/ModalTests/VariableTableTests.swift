import Testing

@testable import Modal

/// The process environment kept as a list (no dictionary at start) reads as the dictionary it replaced.
struct VariableTableTests {
  @Test func aNameSetTwiceHasItsLastValue() {
    let table = VariableTable(names: ["A", "B", "A"], values: ["1", "2", "3"])
    #expect(table.value(of: "A") == "3")
    #expect(table.value(of: "B") == "2")
    #expect(table.value(of: "C") == nil)
    #expect(table.dictionary == ["A": "3", "B": "2"])
  }

  @Test func theProcessEnvironmentIsReadAndCanBeChanged() {
    var host = HostEnvironment.current
    #expect(host.variable("PATH") == host.variables["PATH"])
    #expect(host.variable("MODAL_NO_SUCH_VARIABLE_SET") == nil)
    host.variables["MODAL_NO_SUCH_VARIABLE_SET"] = "x"
    #expect(host.variable("MODAL_NO_SUCH_VARIABLE_SET") == "x")
    #expect(host.modalVariable("MODAL_NO_SUCH_VARIABLE_SET") == "x")
    #expect(host.variables["PATH"] != nil)
  }

  @Test func aGivenDictionaryIsKeptAsItIs() {
    let host = HostEnvironment(variables: ["MODAL_PROFILE": "", "HOME": "/h"], homeDirectory: "/h")
    #expect(host.variable("MODAL_PROFILE") == "")
    #expect(host.modalVariable("MODAL_PROFILE") == nil)
    #expect(host.variables == ["MODAL_PROFILE": "", "HOME": "/h"])
  }
}
