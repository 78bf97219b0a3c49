"""Drives `runbook lsp` with an independent client (pygls) over stdio, the way an editor would,
and checks each feature: diagnostics on open and on change (incremental sync), code actions from
fixes, formatting, definition, references, rename (and its refusal on a conflict), completion,
hover, the outline, folding; and the robustness cases: malformed input, unknown methods,
closed documents, positions past the end, UTF-8 negotiation, shutdown and exit.

usage: python3 lsp_client_test.py RUNBOOK_EXECUTABLE   (exit status 0 when every check holds)
"""
import asyncio
import json
import subprocess
import sys

from lsprotocol import types
from pygls.lsp.client import BaseLanguageClient

EXE = sys.argv[1]
URI = "file:///work/cips.runbook"
TEXT = """runbook "CIPS Update" {
  role fusion "Fusion"
  role client "Client"

  stage pre "Pre-Update" {
    step backup "Database backup completed" owner fusion and client
    step staged "Installer files staged" owner fusion duration 30m
  }

  stage update "Update Process" {
    step installers "Installers run" owner fusion after staged
    step check "Version confirmed" owner client verifies installers
  }
}
"""
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


async def main():
    client = BaseLanguageClient("runbook-test", "1")
    published = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params):
        published[params.uri] = params
        arrived.set()

    async def diagnostics_after(action):
        arrived.clear()
        action()
        await asyncio.wait_for(arrived.wait(), 10)
        return published[URI].diagnostics

    await client.start_io(EXE, "lsp")
    result = await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16])),
        process_id=None, root_uri=None))
    caps = result.capabilities
    check(caps.position_encoding == types.PositionEncodingKind.Utf16, "UTF-16 positions when the client offers only them")
    check(caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental, "incremental sync")
    client.initialized(types.InitializedParams())

    # Diagnostics on open: a clean document has none.
    diagnostics = await diagnostics_after(lambda: client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=URI, language_id="runbook", version=1, text=TEXT))))
    check(len(diagnostics) == 0, f"no diagnostics on a clean runbook: {[d.message for d in diagnostics]}")

    # An incremental change that misspells a role: one diagnostic, at the right place, with its
    # code and a link to its explanation in the message.
    line6 = TEXT.split("\n")[6]
    col = line6.index("owner fusion") + len("owner ")
    diagnostics = await diagnostics_after(lambda: client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=6, character=col), end=types.Position(line=6, character=col + 6)), text="fuson")])))
    check(len(diagnostics) == 1 and diagnostics[0].code == "RB0202", "a misspelt role is reported after an incremental change")
    check(diagnostics and diagnostics[0].range.start == types.Position(line=6, character=col), "at its line and character")
    check(diagnostics and "did you mean `fusion`" in diagnostics[0].message and "runbook explain RB0202" in diagnostics[0].message, "with its help and a pointer to `runbook explain`")

    # A pasted en dash gives a fix, offered as a code action.
    diagnostics = await diagnostics_after(lambda: client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=3),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=6, character=col), end=types.Position(line=6, character=col + 5)), text="fusion")]
            + [types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=6, character=len(line6) - 3), end=types.Position(line=6, character=len(line6))),
                text="30m\u201345m")])))
    check(len(diagnostics) == 1 and diagnostics[0].code == "RB0001", "a pasted dash is reported (two changes in one notification)")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), range=diagnostics[0].range,
        context=types.CodeActionContext(diagnostics=diagnostics)))
    edit = actions[0].edit.changes[URI][0] if actions else None
    check(bool(actions) and actions[0].kind == types.CodeActionKind.QuickFix and edit.new_text == "..", "the fix is a quick fix that writes `..`")

    # Back to the clean text, in one full change; then navigation.
    diagnostics = await diagnostics_after(lambda: client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=4),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=TEXT)])))
    check(len(diagnostics) == 0, f"a whole-document change: {[d.message for d in diagnostics]}")
    lines = TEXT.split("\n")
    after_line = 10
    after_col = lines[after_line].index("after staged") + len("after ")
    definition = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=after_line, character=after_col + 2)))
    check(definition is not None and definition.range.start.line == 6, "go to definition from `after staged` to the step")
    references = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=1, character=8),
        context=types.ReferenceContext(include_declaration=True)))
    check(len(references) == 4, f"references of the role `fusion` (its declaration and three owners): {len(references)}")
    rename = await client.text_document_rename_async(types.RenameParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=1, character=8), new_name="vendor"))
    check(len(rename.changes[URI]) == 4 and all(e.new_text == "vendor" for e in rename.changes[URI]), "rename a role everywhere")
    try:
        await client.text_document_rename_async(types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=1, character=8), new_name="client"))
        check(False, "a rename onto another role's id is refused")
    except Exception as error:
        check("already the id" in str(error), "a rename onto another role's id is refused")

    # Completion: roles after `owner`, steps after `after`, units after a number.
    owner_line = lines[6]
    items = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=6, character=owner_line.index("owner ") + 6)))
    labels = [item.label for item in items.items]
    check(labels == ["fusion", "client"], f"roles after `owner`: {labels}")
    items = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=10, character=after_col)))
    check({"backup", "staged", "pre", "update"} <= {item.label for item in items.items}, "steps and stages after `after`")
    items = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=6, character=len(owner_line) - 1)))
    check("h" in [item.label for item in items.items], "units after a number")
    items = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=7, character=0)))
    labels = {item.label for item in items.items}
    check("step" in labels and "gate" in labels and "role" not in labels, "the statements a stage accepts, at the start of a line in it")

    # Hover: a step's owners and planned time; a role's display name and steps.
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=after_line, character=after_col + 1)))
    check(hover is not None and "Installer files staged" in hover.contents.value and "Fusion" in hover.contents.value and "Planned" in hover.contents.value, "hover on a step")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=2, character=8)))
    check(hover is not None and "Client" in hover.contents.value and "Owns 2 steps" in hover.contents.value, "hover on a role")

    # The outline and folding.
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    runbook = symbols[0]
    stages = [child.name for child in runbook.children if child.kind == types.SymbolKind.Namespace]
    check(runbook.name == "CIPS Update" and len(stages) == 2, f"the outline has the runbook and its stages: {stages}")
    check(any(child.name.startswith("backup") for stage in runbook.children for child in stage.children or []), "steps inside their stage")
    folding = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    check({(f.start_line, f.end_line) for f in folding} >= {(0, 13), (4, 7), (9, 12)}, "every block folds")

    # Formatting a badly indented document.
    messy = TEXT.replace("    step backup", "step backup")
    await diagnostics_after(lambda: client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=5),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=messy)])))
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=URI), options=types.FormattingOptions(tab_size=2, insert_spaces=True)))
    check(len(edits) == 1 and "    step backup" in edits[0].new_text, "formatting")

    # Robustness: positions past the end, a closed document, an unknown method.
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=900, character=900)))
    check(hover is None, "a position past the end is answered, not a crash")
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    check(symbols == [], "a request about a closed document gets an empty answer")
    try:
        await client.protocol.send_request_async("runbook/unknown", {})
        check(False, "an unknown method is MethodNotFound")
    except Exception as error:
        check("not supported" in str(error), "an unknown method is MethodNotFound")

    await client.shutdown_async(None)
    client.exit(None)
    await asyncio.sleep(0.5)
    await client.stop()


def raw_robustness():
    """Bytes no client library would send: a bad header, a body that is not JSON, requests before
    initialize, UTF-8 negotiation, exit without shutdown."""
    process = subprocess.Popen([EXE, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(raw):
        process.stdin.write(raw)
        process.stdin.flush()

    def message(obj):
        body = json.dumps(obj).encode()
        send(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def receive():
        header = b""
        while not header.endswith(b"\r\n\r\n"):
            header += process.stdout.read(1)
        length = int(header.split(b":")[1].split(b"\r\n")[0])
        return json.loads(process.stdout.read(length))

    message({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}})
    check(receive()["error"]["code"] == -32002, "a request before initialize is refused")
    send(b"Content-Type: nothing\r\n\r\n")
    check(receive()["error"]["code"] == -32700, "a header without Content-Length is a parse error")
    send(b"Content-Length: 9\r\n\r\n{not json")
    check(receive()["error"]["code"] == -32700, "a body that is not JSON is a parse error")
    message({"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {"capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}})
    check(receive()["result"]["capabilities"]["positionEncoding"] == "utf-8", "UTF-8 positions when the client offers them")
    message({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///u.runbook", "languageId": "runbook", "version": 1, "text": "runbook \"\u00e9\u00e9\" {\n  role x \"\u00e9\" owner y\n}\n"}}})
    published = receive()
    start = [d for d in published["params"]["diagnostics"] if d["code"] == "RB0105"][0]["range"]["start"]
    check(start == {"line": 1, "character": 14}, f"a UTF-8 column counts bytes (`owner` after an é): {start}")
    message({"jsonrpc": "2.0", "method": "exit"})
    check(process.wait(10) == 1, "exit without shutdown exits with status 1")


asyncio.run(main())
raw_robustness()
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
