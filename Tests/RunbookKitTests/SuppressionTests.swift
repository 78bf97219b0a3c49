// Suppression comments: a warning silenced on the next statement or in the whole file; errors
// never; and every suppression that silences nothing, names an unknown code or is misspelt is
// itself reported where it is written.
import XCTest
@testable import RunbookKit

final class SuppressionTests: XCTestCase {
  func testIgnoreSilencesOneWarningOnTheNextStatementOnly() {
    assertDiagnostics("""
      runbook "R" {
        role customer "Customer"
        # runbook:ignore RB0404 the auditor only reads the printout
        role auditor "Auditor"
        role ⟨RB0404⟩observer "Observer"
        stage s "S" owner customer {
          step "x"
        }
      }
      """)
  }

  func testIgnoreFileSilencesTheCodeEverywhere() {
    assertDiagnostics("""
      # runbook:ignore-file RB0404 roles kept for the contact list
      runbook "R" {
        role customer "Customer"
        role auditor "Auditor"
        role observer "Observer"
        stage s "S" owner customer {
          step "x"
        }
      }
      """)
  }

  func testASuppressionCoversAWholeBlockStatement() {
    assertDiagnostics("""
      runbook "R" {
        role ops "Ops"
        stage s "S" owner ops {
          # runbook:ignore RB0503 decided on the call, criteria in the ticket
          gate g "G" {
            decided_by ops
            go -> x
            no_go -> stop
          }
          step x "X"
        }
      }
      """)
  }

  func testUnusedUnknownErrorAndMisspeltSuppressionsAreWarnings() {
    assertDiagnostics("""
      runbook "R" {
        role customer "Customer"
        # runbook:ignore ⟨RB0801⟩RB0404 nothing to silence here
        stage s "S" owner customer {
          # runbook:ignore ⟨RB0802⟩RB9999
          step "x"
          # runbook:ignore ⟨RB0803⟩RB0202 errors stay
          step "y" owner ⟨RB0202⟩nobody
          # ⟨RB0804⟩runbook:ignroe RB0404
          step "z"
        }
      }
      """)
  }

  func testOrdinaryCommentsAreNotSuppressions() {
    assertDiagnostics("""
      runbook "R" {
        # runbook is the tool; this is a note about RB0404
        role customer "Customer"
        stage s "S" owner customer {
          step "x"
        }
      }
      """)
  }
}
