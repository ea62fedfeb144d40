import Testing
import Replica
import Storage
@testable import Domain

/// RFC 4180 parsing, mapping files, all-or-nothing imports, export round trip.
@Suite struct CSVImportTests {
    let e = CampusReplicas.engineers

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaksAndTheBOMIsSkipped() throws {
        let table = try CSVTable.parse("\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\nlast,,\n")
        #expect(table.records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "", ""]])
        #expect(table.records.map(\.line) == [1, 2, 5])
        #expect(CSVTable.write([["x, y", "q\""]]) == "\"x, y\",\"q\"\"\"\r\n")
    }

    @Test func malformedCSVIsRefusedWithItsLine() {
        #expect(throws: CSVTable.ParseError.unterminatedQuote(line: 2)) { try CSVTable.parse("a\n\"open\n") }
        #expect(throws: CSVTable.ParseError.quoteInsideUnquotedField(line: 1)) { try CSVTable.parse("ab\"c\n") }
        #expect(throws: CSVTable.ParseError.textAfterClosingQuote(line: 1)) { try CSVTable.parse("\"ab\"c\n") }
    }

    static let snipeMapping = """
        # Snipe-IT export
        tag = Asset Tag
        name = Asset Name
        type = Category
        model = Model
        serial = Serial
        state = Status
        warranty_until = Warranty Expires
        value.type.Laptops = pc
        value.type.Printers = printer
        value.state.Ready to Deploy = in_stock
        value.state.Deployed = in_use
        default.campus = E
        """

    @Test func aSnipeITExportImportsThroughAMappingFile() throws {
        let f = try CampusReplicas()
        let csv = """
            Asset Tag,Asset Name,Category,Model,Serial,Status,Warranty Expires
            SN-001,"Dell Latitude, 14\"\"\",Laptops,5440,ABC1,Deployed,2027-01-31
            SN-002,HP 404,Printers,M404,ABC2,Ready to Deploy,

            """
        let summary = try f.main.importAssets(csv: csv, mapping: try AssetMapping.parse(Self.snipeMapping), by: f.acting(e[0]))
        #expect(summary.imported == 2)
        let laptop = try f.main.asset("SN-001")
        #expect(laptop.record.name == "Dell Latitude, 14\"" && laptop.record.type == .pc && laptop.state == .inUse)
        #expect(laptop.record.warrantyUntil == Fixture.date("2027-01-31"))
        // Export, then import into another replica under our own field names.
        let exported = try f.main.exportAssets()
        let other = try CampusReplicas()
        #expect(try other.main.importAssets(csv: exported, mapping: .identity, by: other.acting(e[0])).imported == 2)
        #expect(try other.main.asset("SN-001").record.name == laptop.record.name)
    }

    /// Snipe-IT's warranty in months becomes an end date; its purchase cost, supplier,
    /// manufacturer and notes are kept; a column nothing maps is reported, not silently
    /// dropped.
    @Test func aWarrantyInMonthsBecomesAnEndDateAndUnmappedColumnsAreReported() throws {
        let f = try CampusReplicas()
        let mapping = try AssetMapping.parse(Self.snipeMapping.replacingOccurrences(of: "warranty_until = Warranty Expires", with: """
            purchased_on = Purchase Date
            warranty_months = Warranty
            purchase_cost = Purchase Cost
            supplier = Supplier
            manufacturer = Manufacturer
            notes = Notes
            """))
        let csv = """
            Asset Tag,Asset Name,Category,Model,Serial,Status,Purchase Date,Warranty,Purchase Cost,Supplier,Manufacturer,Notes,Order Number
            SN-101,Dell 7090,Laptops,7090,X1,Deployed,2025-08-31,36,"5,999.00",京东,Dell,三楼,PO-7
            SN-102,HP 404,Printers,M404,X2,Ready to Deploy,2026-01-15,,800,,,,

            """
        let summary = try f.main.importAssets(csv: csv, mapping: mapping, by: f.acting(e[0]))
        #expect(summary.imported == 2)
        #expect(summary.unmappedColumns == ["Order Number"])
        let dell = try f.main.asset("SN-101").record
        #expect(dell.purchaseCostFen == 599_900 && dell.supplier == "京东" && dell.manufacturer == "Dell" && dell.notes == "三楼")
        #expect(try f.main.asset("SN-102").record.purchaseCostFen == 80_000)
        // What `asset export` writes imports back with the same details.
        let other = try CampusReplicas()
        _ = try other.main.importAssets(csv: try f.main.exportAssets(), mapping: .identity, by: other.acting(e[0]))
        #expect(try other.main.asset("SN-101").record.purchaseCostFen == 599_900 && other.main.asset("SN-101").record.supplier == "京东")
        #expect(try f.main.asset("SN-101").record.warrantyUntil == Fixture.date("2028-08-31"))
        #expect(try f.main.asset("SN-102").record.warrantyUntil == nil)
        #expect(Fixture.date("2024-01-31").adding(months: 1) == Fixture.date("2024-02-29"))
        #expect(Fixture.date("2025-03-01").adding(months: 36) == Fixture.date("2028-03-01"), "a day the short month has stays")
        #expect(Fixture.date("2025-12-15").adding(months: 2) == Fixture.date("2026-02-15"))

        let bad = """
            Asset Tag,Asset Name,Category,Model,Serial,Status,Purchase Date,Warranty,Purchase Cost,Supplier,Manufacturer,Notes
            SN-103,Dell 7090,Laptops,7090,X3,Deployed,2025-08-31,thirty,,,,

            """
        #expect(throws: DomainError.badImport(["line 2: warranty_months \"thirty\" is not a whole number of months within 0…\(AssetMapping.warrantyMonthsMax)"])) {
            try f.main.importAssets(csv: bad, mapping: mapping, by: f.acting(e[0]))
        }
        #expect(try f.main.assets().count == 2, "nothing imported")
    }

    @Test func aBadRowIsReportedWithItsLineNumberAndNothingIsImported() throws {
        let f = try CampusReplicas()
        let csv = "Asset Tag,Asset Name,Category,Model,Serial,Status,Warranty Expires\nSN-001,ok,Laptops,,,,\nSN-002,bad,Toasters,,,,\nSN-003,bad date,Laptops,,,,2027-13-01\n"
        let error = try refusedWithoutWriting(f.main) { _ = try f.main.importAssets(csv: csv, mapping: try AssetMapping.parse(Self.snipeMapping), by: f.acting(e[0])) }
        guard case .badImport(let lines)? = error else { Issue.record("not refused as an import: \(String(describing: error))"); return }
        #expect(lines.count == 2 && lines[0].hasPrefix("line 3: type \"Toasters\"") && lines[1].hasPrefix("line 4: warranty_until"))
        #expect(try f.main.assets().isEmpty)
        // Printed one problem per line under a count, not as one long line.
        let printed = DomainError.badImport(lines).description.split(separator: "\n")
        #expect(printed.count == 3 && printed[0].hasSuffix("2 problems") && printed[1] == "  \(lines[0])")
    }

    @Test func malformedCSVOrADuplicateTagInTheFileImportsNothing() throws {
        let f = try CampusReplicas()
        let mapping = try AssetMapping.parse(Self.snipeMapping)
        let broken = "Asset Tag,Asset Name,Category\nSN-001,\"unterminated,Laptops\n"
        if case .badImport(let lines)? = try refusedWithoutWriting(f.main, { _ = try f.main.importAssets(csv: broken, mapping: mapping, by: f.acting(e[0])) }) {
            #expect(lines == ["line 2: a quoted field is never closed"])
        } else { Issue.record("malformed CSV imported") }
        let twice = "Asset Tag,Asset Name,Category,Model,Serial,Status,Warranty Expires\nSN-001,a,Laptops,,,,\nSN-001,b,Laptops,,,,\n"
        if case .badImport(let lines)? = try refusedWithoutWriting(f.main, { _ = try f.main.importAssets(csv: twice, mapping: mapping, by: f.acting(e[0])) }) {
            #expect(lines == ["line 3: asset tag SN-001 appears on line 2 (campus E) and again on line 3 (campus E); tags are unique hospital-wide"])
        } else { Issue.record("duplicate tag imported") }
    }

    /// One tag on two lines for two campuses: the message names both lines and each
    /// line's own campus (not the first line's campus twice).
    @Test func aDuplicateTagAcrossCampusesNamesBothLinesAndTheirCampuses() throws {
        let f = try CampusReplicas()
        let admin = f.acting(CampusReplicas.admin)
        try f.main.registerCampus(Campus(code: "W", name: "西院区", generalDutyOfficer: "总值班 吴主任", generalDutyPhone: "8001"), by: admin)
        // The chief of E also heads W, so every line is one they may register.
        try f.main.grantRole(RoleGrant(.sectionChief, .campus("W")), to: CampusReplicas.chief, by: admin)
        let chief = f.acting(CampusReplicas.chief)
        func row(_ tag: String, _ campus: String) -> [String] {
            AssetField.allCases.map { field in
                switch field {
                case .tag: tag
                case .campus: campus
                case .type: AssetType.pc.rawValue
                case .name: "PC \(tag)"
                case .state: AssetState.inStock.rawValue
                case .stock, .stockMin: "0"
                default: ""
                }
            }
        }
        let csv = CSVTable.write([AssetField.allCases.map(\.rawValue), row("D-1", "W"), row("D-2", "E"), row("D-1", "E")])
        let error = try refusedWithoutWriting(f.main) { _ = try f.main.importAssets(csv: csv, mapping: .identity, by: chief) }
        guard case .badImport(let lines)? = error else { Issue.record("duplicate across campuses imported: \(String(describing: error))"); return }
        #expect(lines == ["line 4: asset tag D-1 appears on line 2 (campus W) and again on line 4 (campus E); tags are unique hospital-wide"])
        #expect(try f.main.assets().isEmpty)
    }

    /// OWASP CSV injection: a cell starting with = + - @ tab or CR is exported with a
    /// leading single quote (a spreadsheet then shows it as text); importing the export
    /// gives back the original text.
    @Test func exportNeutralisesFormulaCellsAndImportsBackUnchanged() throws {
        for lead in ["=", "+", "-", "@", "\t", "\r"] {
            #expect(CSVTable.neutralise("\(lead)1+1") == "'\(lead)1+1")
            #expect(CSVTable.unneutralise(CSVTable.neutralise("\(lead)1+1")) == "\(lead)1+1")
        }
        #expect(CSVTable.neutralise("a=b") == "a=b" && CSVTable.neutralise("") == "" && CSVTable.neutralise("'x") == "'x")
        #expect(CSVTable.write([["=cmd|' /C calc'!A0", "\rx"]]) == "'=cmd|' /C calc'!A0,\"'\rx\"\r\n")

        let f = try CampusReplicas()
        let record = AssetRecord(tag: "F-1", campus: "E", type: .pc, name: "=HYPERLINK(\"http://evil\",\"x\")", model: "+SUM(A1)",
                                 serial: "-2+3", location: "@A1")
        _ = try f.main.registerAsset(record, by: f.acting(e[0]))
        let exported = try f.main.exportAssets()
        let cells = try CSVTable.parse(exported).records[1].fields
        #expect(cells[3] == "'=HYPERLINK(\"http://evil\",\"x\")" && cells[4] == "'+SUM(A1)" && cells[5] == "'-2+3" && cells[8] == "'@A1")
        #expect(cells.allSatisfy { cell in cell.first.map { !CSVTable.formulaLeads.contains($0) } ?? true })
        let other = try CampusReplicas()
        #expect(try other.main.importAssets(csv: exported, mapping: .identity, by: other.acting(e[0])).imported == 1)
        let back = try other.main.asset("F-1").record
        #expect(back.name == record.name && back.model == record.model && back.serial == record.serial && back.location == record.location)
    }
}
