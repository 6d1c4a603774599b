"""A user's own query never reaches the network: SERVICE in any position, and FROM with a web IRI, are refused
before the query runs (rdflib would otherwise send the request)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from comet_cn.errors import InputError
from comet_cn.queries import query
from tests.conftest import EXAMPLES, Listener, Run

CLAIM = EXAMPLES / "conforming-claim.jsonld"

# Each at a spot the walk must reach: top level, SILENT, nested in OPTIONAL and UNION, in EXISTS, in a subquery,
# behind a variable, with a prefixed name and odd case; and FROM / FROM NAMED with a loopback IRI.
UNSAFE = {
    "service": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "service-silent": "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "optional": "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?x }} }} }}",
    "union": "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ OPTIONAL {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }} }}",
    "exists": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "subquery": "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "variable": "SELECT * WHERE {{ BIND(<{url}> AS ?end) SERVICE ?end {{ ?s ?p ?o }} }}",
    "prefixed": "PREFIX remote: <{url}>\nSELECT * WHERE {{ sErViCe remote:sparql {{ ?s ?p ?o }} }}",
    "from": "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
    "from-named": "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
}


def _query_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cn_query(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``cn-query`` in-process through its real entry point (exit-code mapping included)."""
    from comet_cn.cli import query_command

    def run(*args: str | Path) -> Run:
        with pytest.raises(SystemExit) as stop:
            query_command([str(a) for a in args])
        captured = capsys.readouterr()
        code = stop.value.code
        return Run(code if isinstance(code, int) else 3, captured.out, captured.err)

    return run


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_command_line_refuses_network_queries_without_a_connection(
    case: str, tmp_path: Path, listener: Listener, cn_query: Callable[..., Run]
) -> None:
    url = f"http://127.0.0.1:{listener.port}/sparql"
    path = _query_file(tmp_path, UNSAFE[case].format(url=url))
    run = cn_query(path, CLAIM)
    assert run.code == 2 and run.out == ""
    assert len(run.err.splitlines()) == 1
    assert run.err.startswith(f"cn-query: error: {path}: ")
    assert "is not allowed: queries never reach the network" in run.err
    assert ("FROM" if case.startswith("from") else "SERVICE") in run.err
    assert listener.connections == 0


def test_library_refuses_service_before_loading_any_claim(tmp_path: Path, listener: Listener) -> None:
    path = _query_file(tmp_path, UNSAFE["service-silent"].format(url=f"http://127.0.0.1:{listener.port}/"))
    with pytest.raises(InputError, match="SERVICE is not allowed") as refused:
        query(path, tmp_path / "no-such-claim.jsonld")  # the claim is never looked at
    assert refused.value.source == str(path)
    assert listener.connections == 0


def test_local_dataset_names_and_plain_queries_still_run(tmp_path: Path, cn_query: Callable[..., Run]) -> None:
    text = "SELECT (COUNT(*) AS ?n) FROM <urn:example:claims> WHERE { ?s ?p ?o }"
    assert query(_query_file(tmp_path, text), CLAIM).rows  # urn: names are looked up, never fetched
    plain = _query_file(tmp_path, "SELECT ?s WHERE { ?s a ?type } LIMIT 1")
    run = cn_query(plain, CLAIM)
    assert run.code == 0 and "(1 row)" in run.out


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
        "SELECT * WHERE {{ OPTIONAL {{ GRAPH <http://127.0.0.1:{port}/g.ttl> {{ ?s ?p ?o }} }} }}",
    ],
)
def test_a_graph_pattern_is_one_line_not_an_internal_error(
    text: str, tmp_path: Path, listener: Listener, cn_query: Callable[..., Run]
) -> None:
    # Red team 17: rdflib raised on GRAPH over the claims' single graph (exit 3, "internal error").
    path = _query_file(tmp_path, text.format(port=listener.port) if "{port}" in text else text)
    run = cn_query(path, CLAIM)
    assert run.code == 2 and run.out == ""
    refusal = "GRAPH is not allowed: the claims are one graph with no named graphs; remove the GRAPH"
    assert run.err.strip() == f"cn-query: error: {path}: {refusal}"
    assert listener.connections == 0
