"""STIX 2.1 with the tools that receive it: the export passes stix2-validator with its custom properties,
our own import gets the case back (canonical JSON equal but for what the export names as not carried),
and someone else's bundles (the OASIS examples) are mapped or reported, type by type."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from workbench.core.exporters import export
from workbench.core.exporters.canonical import canonical_text
from workbench.core.exporters.stix import NOT_CARRIED_COLUMNS, NOT_CARRIED_TABLES
from workbench.core.importers import propose_file, run_import
from workbench.core.store import create_case, open_case

EXAMPLES = Path(__file__).parent / "data" / "stix"


def carried(document: dict) -> dict:
    """A canonical document without what a STIX round trip does not carry (stix.NOT_CARRIED_*)."""
    kept = {}
    for table, rows in document.items():
        if table == "case_workbench" or table in NOT_CARRIED_TABLES:
            continue
        dropped = set(NOT_CARRIED_COLUMNS["*"]) | set(NOT_CARRIED_COLUMNS.get(table, ()))
        kept[table] = [{k: v for k, v in row.items() if k not in dropped} for row in rows]
    return kept


@pytest.fixture
def sample_bundle(sample_path: Path, tmp_path: Path) -> tuple[Path, dict]:
    out = tmp_path / "sample.stix.json"
    with open_case(sample_path, read_only=True) as case:
        export(case, "stix", out)
        return out, json.loads(canonical_text(case))


def test_export_with_custom_properties_passes_stix2_validator(sample_bundle) -> None:
    stix2validator = pytest.importorskip("stix2validator")
    out, _document = sample_bundle
    result = stix2validator.validate_file(str(out), stix2validator.ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for r in result.object_results for e in r.errors]
    objects = json.loads(out.read_text(encoding="utf-8"))["objects"]
    assert any("x_case_workbench_event" in obj for obj in objects)


def test_stix_round_trip_keeps_the_case(sample_bundle, tmp_path: Path) -> None:
    out, original = sample_bundle
    create_case(tmp_path / "restored.case", "Restored").close()
    line = run_import(out, tmp_path / "restored.case")
    assert "20 events, 23 actors, 28 relations, 16 sources, 117 citations, 8 places" in line
    assert "document" not in line and "note" not in line  # no report became a document, no sighting an event
    with open_case(tmp_path / "restored.case", read_only=True) as restored:
        back = json.loads(canonical_text(restored))
    expected, got = carried(original), carried(back)
    # the checks the issue names, first, so a failure says which
    assert Counter(a["kind"] for a in got["actors"]) == Counter(a["kind"] for a in expected["actors"])
    assert {r["id"]: (r["from_actor_id"], r["to_actor_id"], r["directed"], r["confidence"]) for r in got["relations"]} \
        == {r["id"]: (r["from_actor_id"], r["to_actor_id"], r["directed"], r["confidence"])
            for r in expected["relations"]}
    assert len(got["event_actors"]) == len(expected["event_actors"]) == 38
    assert sorted((c["id"], c["credibility"]) for c in got["citations"]) == \
        sorted((c["id"], c["credibility"]) for c in expected["citations"])
    assert {s["id"]: (s["title"], s["reliability"]) for s in got["sources"]} == \
        {s["id"]: (s["title"], s["reliability"]) for s in expected["sources"]}
    assert got == expected


def test_round_trip_into_a_case_that_has_the_actors_links_them(sample_bundle, sample_path: Path,
                                                               tmp_path: Path) -> None:
    out, _original = sample_bundle
    copy = tmp_path / "copy.case"
    shutil.copy(sample_path, copy)
    assert "nothing new" in run_import(out, copy)


@pytest.mark.parametrize(("name", "expected"), [
    ("apt1.json", {"actor": 33, "note": 12, "relation": 23, "document": 1}),
    ("poisonivy.json", {"actor": 32, "note": 32, "relation": 25, "document": 1}),
])
def test_oasis_examples_are_mapped_or_reported_by_type(name: str, expected: dict, tmp_path: Path) -> None:
    bundle = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    types = Counter(obj["type"] for obj in bundle["objects"])
    with create_case(tmp_path / "target.case", "Target") as case:
        plan = propose_file(case, EXAMPLES / name)
    counts = plan.counts()
    assert {kind: counts.get(kind, 0) for kind in expected} == expected
    summary = plan.notes[0]
    for kind, number in types.items():  # every type named in the review with its count
        assert f"{kind}: {number} →" in summary
    # every relationship became something: a relation, a part in an event or a line of a note
    relationships = [obj for obj in bundle["objects"] if obj["type"] == "relationship"]
    assert "not imported" not in summary.split("relationship:")[1].split(";")[0]
    assert len(relationships) == types["relationship"]


def test_objects_without_a_counterpart_are_listed_by_id_in_a_note(tmp_path: Path) -> None:
    bundle = json.loads((EXAMPLES / "indicator-for-c2-ip-address.json").read_text(encoding="utf-8"))
    observable = {"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
                  "value": "198.51.100.3"}
    bundle["objects"].append(observable)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    create_case(tmp_path / "target.case", "Target").close()
    line = run_import(path, tmp_path / "target.case")
    assert "2 notes" in line  # the indicator, and the list of what was not imported
    with open_case(tmp_path / "target.case", read_only=True) as case:
        texts = [row["text"] for row in case.rows("notes")]
    listing = next(text for text in texts if text.startswith("Not imported from bundle.json"))
    assert observable["id"] in listing
    assert any(text.startswith("Indicator:") and "pattern:" in text for text in texts)


def test_every_example_bundle_imports(tmp_path: Path) -> None:
    for number, path in enumerate(sorted(EXAMPLES.glob("*.json"))):
        target = tmp_path / f"target{number}.case"
        create_case(target, "Target").close()
        assert run_import(path, target, accept_all=True).startswith(f"Imported {path.name}")


def test_a_synthetic_case_exports_objects_that_stix2_and_its_validator_accept(tmp_path: Path) -> None:
    """The exporter writes plain dicts (issue 23: the stix2 classes took a minute at 100k events): the
    synthetic case's threat actors, sightings, locations and relationships pass the official validator,
    and every object is one the stix2 library itself builds from it. Its sources' URLs hold Cyrillic
    paths, which a STIX external reference carries percent-encoded (the validator wants a URI)."""
    stix2validator = pytest.importorskip("stix2validator")
    import stix2

    from workbench.core.synthetic import generate_case

    generate_case(tmp_path / "synthetic.case", 80).close()
    out = tmp_path / "synthetic.stix.json"
    with open_case(tmp_path / "synthetic.case", read_only=True) as case:
        export(case, "stix", out)
    result = stix2validator.validate_file(str(out), stix2validator.ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for r in result.object_results for e in r.errors][:5]
    bundle = json.loads(out.read_text(encoding="utf-8"))
    kinds = Counter(obj["type"] for obj in bundle["objects"])
    assert {"report", "sighting", "relationship", "threat-actor", "identity", "location"} <= set(kinds)
    for obj in bundle["objects"]:
        parsed = stix2.parse(obj, allow_custom=True)
        assert json.loads(parsed.serialize()) == obj
    # One object a line, each spelled as json.dumps spells it (the objects are msgspec Structs and dicts; their
    # keys in the order stix2 writes them, which json.loads keeps).
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(bundle["objects"]) + 2
    for line in lines[1:-1]:
        assert json.dumps(json.loads(line.removesuffix(",")), ensure_ascii=False) == line.removesuffix(",")
