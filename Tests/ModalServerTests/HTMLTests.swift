import Testing

@testable import ModalServer

@Suite struct HTMLTests {
  @Test func interpolatedTextIsEscapedAndMarkupIsKept() {
    let name = "<script>alert('x') & \"y\"</script>"
    let cell: HTML = "<td class=\"n\">\(name)</td>"
    #expect(cell.text == "<td class=\"n\">&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;</td>")
    let row: HTML = "<tr>\(cell)\([cell, cell])\(7)</tr>"
    #expect(row.text == "<tr>" + String(repeating: cell.text, count: 3) + "7</tr>")
  }

  @Test func rawPartsAreOnlyThoseTheCodeMarks() {
    let checked = " checked"
    let input: HTML = "<input\(raw: checked)><b>\(checked)</b>"
    #expect(input.text == "<input checked><b> checked</b>")
    #expect(HTML(raw: "<i>&amp;</i>").text == "<i>&amp;</i>")
    #expect(HTML.notice("a < b", kind: "error").text == "<p class=\"notice error\">a &lt; b</p>")
    #expect(HTML.time(nil).text == "—")
  }
}
