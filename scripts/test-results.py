#!/usr/bin/env python3
"""Reads the TRX reports of scripts/test.sh.

  test-results.py failed  <project.trx>   names the methods of the tests that failed, one per line (for --filter-method)
  test-results.py summary <results dir>   names every failed test with what it said, then prints the last line,
                                          "N passed, N failed, N skipped"; exits 1 when any test failed

A test that failed and then passed when scripts/test.sh ran it once more (its report is in <results dir>/again/) counts as
passed, and is named as flaky with what its first run said, so that the flake is seen and fixed rather than forgotten.
"""
import os
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
FAILED = ("Failed", "Error", "Timeout", "Aborted")


def results(trx):
    """(name, outcome, message, stack lines, standard output) of each test in a report."""
    root = ET.parse(trx).getroot()
    for result in root.iterfind(".//t:UnitTestResult", NS):
        message = " ".join((result.findtext(".//t:ErrorInfo/t:Message", "", NS) or "").split())
        stack = (result.findtext(".//t:ErrorInfo/t:StackTrace", "", NS) or "").strip().splitlines()
        output = (result.findtext(".//t:Output/t:StdOut", "", NS) or "").strip().splitlines()
        yield result.get("testName"), result.get("outcome"), message, stack, output


def method(name):
    """The method of a test's name: a theory's cases share it."""
    return name.split("(", 1)[0]


def describe(label, name, message, stack, output):
    print(f"{label}: {name}\n  {message[:1500]}")
    # The first frames, then the first few of the project's own (a test's helper is often deep in a library's frames): those
    # with a source path of this checkout (a library's own read "/_/src/…" or none).
    own = [line for line in stack[3:] if " in /" in line and " in /_/" not in line][:4]
    for line in stack[:3] + own:
        print(f"  {line.strip()}")
    for line in output[-25:]:
        print(f"  | {line}")


def summary(directory):
    passed = failed = skipped = 0
    again_dir = os.path.join(directory, "again")
    for file in sorted(os.listdir(directory)):
        if not file.endswith(".trx"):
            continue
        root = ET.parse(os.path.join(directory, file)).getroot()
        counters = root.find(".//t:ResultSummary/t:Counters", NS)
        get = lambda key: int(counters.get(key, "0")) if counters is not None else 0
        passed += get("passed")
        failed += get("failed") + get("error") + get("timeout") + get("aborted")
        skipped += get("notExecuted")

        again = {}
        again_file = os.path.join(again_dir, file)
        if os.path.exists(again_file):
            again = {name: outcome for name, outcome, *_ in results(again_file)}
        for name, outcome, message, stack, output in results(os.path.join(directory, file)):
            if outcome not in FAILED:
                continue
            if again.get(name) == "Passed":
                passed += 1
                failed -= 1
                describe("FLAKY (failed, then passed when run again)", name, message, stack, output)
            else:
                describe("FAILED", name, message, stack, output)
    return passed, failed, skipped


def main():
    command, path = sys.argv[1], sys.argv[2]
    if command == "failed":
        names = {method(name) for name, outcome, *_ in results(path) if outcome in FAILED}
        for name in sorted(names):
            print(name)
        return 0
    passed, failed, skipped = summary(path)
    extra = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    failed += extra
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
