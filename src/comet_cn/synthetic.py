"""Synthetic claims for benchmarks, load tests and property-based tests.

``synthetic_claim(i)`` builds a complete, conforming ISO 14068-1 claim as a JSON-LD document (about 200-300 triples
with the defaults), deterministic for a given index. ``violation=`` injects one known defect, named after the rule it
breaks, so a batch with a known verdict per claim can be generated at any size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

__all__ = ["VIOLATIONS", "synthetic_batch", "synthetic_claim"]

CONTEXT = "https://comet.carbon/ext/iso14068/context.jsonld"

#: Injectable defects: name -> the rule id whose violation it must produce.
VIOLATIONS: dict[str, str] = {
    "old-vintage": "CN-VINT-01",
    "late-retirement": "CN-RET-01",
    "undisclosed-adjustment": "CN-CA-01",
    "ex-ante-credit": "CN-EXPOST-01",
    "short-balance": "CN-BAL-01",
    "offset-first": "CN-HIER-02",
    "missing-report-element": "CN-REPORT-02",
    "no-verification-opinion": "CN-REPORT-01",
}

_LETTERS = "abcdefghijklmnopqrstuvwx"


def _items(prefix: str, count: int) -> list[str]:
    return [f"{prefix}_{letter}" for letter in _LETTERS[:count]]


def synthetic_claim(
    index: int, *, credits: int = 6, emissions: int = 4, violation: str | None = None
) -> dict[str, Any]:
    """A JSON-LD claim for organisation number ``index``; conforming unless ``violation`` names a defect.

    :raises ValueError: ``violation`` is not a key of :data:`VIOLATIONS`.
    """
    if violation is not None and violation not in VIOLATIONS:
        raise ValueError(f"unknown violation {violation!r}; use one of {', '.join(VIOLATIONS)}")
    base = f"https://example.org/synthetic/{index}/"
    year = 2020 + index % 5
    period = {
        "@id": base + "period",
        "@type": "ReportingPeriod",
        "reportingPeriodStart": f"{year}-01-01",
        "reportingPeriodEnd": f"{year}-12-31",
    }
    organisation = {"@id": base + "org", "@type": ["Entity", "Organization"], "label": f"Organisation {index}"}
    top = {"@id": base + "board", "@type": "TopManagement", "label": "Board of directors"}
    verifier = {"@id": base + "verifier", "@type": "Organization", "label": "Verifier Ltd"}
    registry = {"@id": "https://example.org/registry", "@type": "PublicRegistry", "label": "Example registry"}
    programme = {
        "@id": "https://example.org/programme",
        "@type": "CreditingProgramme",
        "meetsProgrammeCriterion": _items("ProgrammeCriterion", 9),
    }
    # The first emission direct, the others indirect: an organization's footprint lists both (CN-ORG-01).
    emission_nodes = [
        {
            "@id": f"{base}emission-{n}",
            "@type": "Scope1Emission" if n == 0 else "IndirectGHGEmission",
            "tonnesCO2e": f"{100 + 10 * n}.0",
        }
        for n in range(emissions)
    ]
    removal = {"@id": base + "removal", "@type": "GHGRemoval", "tonnesCO2e": "20.0"}
    footprint_total = sum(100 + 10 * n for n in range(emissions)) - 20
    # Whole tonnes in consecutive unit ranges of one issuance block, so that every serial reads as a range whose
    # size is the block's tonnes (CN-UNITS-02) and no two blocks share a unit (CN-UNITS-01).
    sizes = [footprint_total // credits] * credits
    sizes[0] += footprint_total - sum(sizes)
    credit_nodes = []
    first = 1
    for n, size in enumerate(sizes):
        credit_nodes.append(
            {
                "@id": f"{base}credit-{n}",
                "@type": "CarbonCredit",
                "serialNumber": f"EX-{index:06d}-{first:07d}-{first + size - 1:07d}",
                "tonnesCO2e": f"{size}.0",
                "vintageEndYear": str(year - 1),
                "issuanceYear": str(year),
                "issuedByProgramme": programme["@id"],
                "hasCreditType": "ReductionCredit",
                "meetsCriterion": ["Real", "Additional", "Measurable", "Permanent", "Certified"],
                "correspondingAdjustmentApplied": n % 2 == 0,
                "isExPostCredit": True,
            }
        )
        first += size
    event = {
        "@id": base + "retirement",
        "@type": "OffsettingEvent",
        "retirementDate": f"{year + 1}-03-31",
        "hasReportingPeriod": period["@id"],
        "inRegistry": registry["@id"],
        "retiredOnBehalfOf": organisation["@id"],
        "retiresCredit": [c["@id"] for c in credit_nodes],
    }
    actions = [
        {"@id": base + "action-1", "@type": "PlanAction", "hierarchyStep": "Reduce_Inside_Boundary", "actionOrder": 1},
        {
            "@id": base + "action-2",
            "@type": "PlanAction",
            "hierarchyStep": "Enhance_Removal_Inside_Boundary",
            "actionOrder": 2,
        },
        {"@id": base + "action-3", "@type": "PlanAction", "hierarchyStep": "Offset_Outside_Boundary", "actionOrder": 3},
    ]
    opinion = {
        "@id": base + "opinion",
        "@type": "VerificationOpinion",
        "verificationStandard": "ISO_14064_3",
        "verifiedBy": verifier["@id"],
        "verificationDate": f"{year + 1}-04-30",
    }
    report = {
        "@id": base + "report",
        "@type": "CarbonNeutralityReport",
        "hasReportingPeriod": period["@id"],
        "hasVerificationOpinion": opinion["@id"],
        "hasCarbonFootprint": base + "footprint",  # the footprint the report gives (§12 h), the claim's own
        "includesReportElement": _items("ReportElement", 24),
    }
    claim = {
        "@id": base + "claim",
        "@type": "CarbonNeutralityClaim",
        "claimedBy": organisation["@id"],
        "hasSubject": organisation["@id"],
        "hasReportingPeriod": period["@id"],
        "hasCommitment": base + "commitment",
        "hasManagementPlan": base + "plan",
        "hasReport": report["@id"],
        "hasVerificationOpinion": opinion["@id"],
        "hasCarbonFootprint": base + "footprint",
        "hasEmissionReduction": base + "reduction",
        "hasOffsettingEvent": event["@id"],
        "onlyResidualEmissionsRemain": False,
        "claimDate": f"{year + 1}-05-15",
        "includesSummaryItem": _items("ClaimSummaryItem", 11),
    }
    nodes: list[dict[str, Any]] = [
        claim,
        organisation,
        top,
        verifier,
        registry,
        programme,
        period,
        {
            "@id": base + "commitment",
            "@type": "CarbonNeutralityCommitment",
            "statedBy": top["@id"],
            "includesCommitmentItem": _items("CommitmentItem", 11),
        },
        {
            "@id": base + "plan",
            "@type": "CarbonNeutralityManagementPlan",
            "hasCommitment": base + "commitment",
            "hasPathway": base + "pathway",
            "hasBaseline": base + "baseline",
            "responsibleForDelivery": top["@id"],
            "includesPlanElement": _items("PlanElement", 13),
            "hasAction": [a["@id"] for a in actions],
        },
        {
            "@id": base + "pathway",
            "@type": "CarbonNeutralityPathway",
            "targetYearResidualOnly": "2045",
            "scienceBasedReference": "IPCC AR6 WGIII 1.5 °C pathway",
            "hasTarget": [
                # Levels below the baseline and the footprint, for years still to come (CN-PATH-01, CN-PATH-04).
                {
                    "@id": base + "target-short",
                    "@type": "ShortTermTarget",
                    "targetYear": str(year + 5),
                    "tonnesCO2e": f"{footprint_total * 0.6:.1f}",
                },
                {
                    "@id": base + "target-long",
                    "@type": "LongTermTarget",
                    "targetYear": str(year + 20),
                    "tonnesCO2e": f"{footprint_total * 0.1:.1f}",
                },
            ],
        },
        {
            "@id": base + "baseline",
            "@type": "Baseline",
            "tonnesCO2e": f"{footprint_total * 1.5:.1f}",
            "hasBasePeriod": {
                "@id": base + "base-period",
                "@type": "BasePeriod",
                "basePeriodStart": "2018-01-01",
                "basePeriodEnd": "2018-12-31",
            },
        },
        {
            "@id": base + "footprint",
            "@type": "CarbonFootprint",
            "tonnesCO2e": f"{footprint_total}.0",
            "hasReportingPeriod": period["@id"],
            "hasEmission": [e["@id"] for e in emission_nodes],
            "hasRemoval": removal["@id"],
        },
        {
            "@id": base + "reduction",
            "@type": "GHGEmissionReduction",
            "tonnesCO2e": "50.0",
            "achievementDate": f"{year}-06-30",
        },
        event,
        report,
        opinion,
        removal,
        *actions,
        *emission_nodes,
        *credit_nodes,
    ]
    _inject(violation, nodes, credit_nodes, event, actions, report, year)
    for node in nodes:
        _add_evidence(node, base)
    return {"@context": CONTEXT, "@graph": nodes}


_CHECKLISTS = (
    "includesReportElement",
    "includesPlanElement",
    "includesSummaryItem",
    "includesCommitmentItem",
    "meetsProgrammeCriterion",
    "meetsCriterion",
)


def _add_evidence(node: dict[str, Any], base: str) -> None:
    """A document and page for every checklist item and criterion the node ticks (CN-EVID-01)."""
    items = [item for key in _CHECKLISTS for item in node.get(key, [])]
    if items:
        node["hasEvidence"] = [
            {"evidenceFor": item, "evidenceLocation": f"{base}evidence.pdf", "evidencePage": str(page)}
            for page, item in enumerate(items, start=1)
        ]


def _inject(
    violation: str | None,
    nodes: list[dict[str, Any]],
    credit_nodes: list[dict[str, Any]],
    event: dict[str, Any],
    actions: list[dict[str, Any]],
    report: dict[str, Any],
    year: int,
) -> None:
    if violation == "old-vintage":
        credit_nodes[0]["vintageEndYear"] = str(year - 7)
    elif violation == "late-retirement":
        event["retirementDate"] = f"{year + 2}-01-15"
        nodes[0]["claimDate"] = f"{year + 2}-02-01"  # the claim follows its retirements (CN-CLAIM-09)
        opinion = next(node for node in nodes if node.get("@type") == "VerificationOpinion")
        opinion["verificationDate"] = f"{year + 2}-01-20"  # and so does its verification (CN-CLAIM-09)
    elif violation == "undisclosed-adjustment":
        del credit_nodes[0]["correspondingAdjustmentApplied"]
    elif violation == "ex-ante-credit":
        credit_nodes[0]["isExPostCredit"] = False
    elif violation == "short-balance":
        # One unit fewer in the first block, range and tonnes alike: only the balance is short.
        serial = credit_nodes[0]["serialNumber"]
        block, first, last = serial.rsplit("-", 2)
        credit_nodes[0]["serialNumber"] = f"{block}-{first}-{int(last) - 1:0{len(last)}d}"
        credit_nodes[0]["tonnesCO2e"] = f"{int(float(credit_nodes[0]['tonnesCO2e'])) - 1}.0"
    elif violation == "offset-first":
        actions[2]["actionOrder"] = 0
    elif violation == "missing-report-element":
        report["includesReportElement"] = report["includesReportElement"][:-1]
    elif violation == "no-verification-opinion":
        del report["hasVerificationOpinion"]


def synthetic_batch(
    count: int, *, violation_every: int = 4, start: int = 0
) -> Iterator[tuple[dict[str, Any], str | None]]:
    """``count`` claims, every ``violation_every``-th with a defect (cycling through :data:`VIOLATIONS`).

    Yields ``(document, expected_rule_id_or_None)``.
    """
    names = list(VIOLATIONS)
    for offset in range(count):
        index = start + offset
        defect = (
            names[(index // violation_every) % len(names)] if violation_every and index % violation_every == 0 else None
        )
        yield synthetic_claim(index, violation=defect), (VIOLATIONS[defect] if defect else None)


def as_json_line(document: dict[str, Any]) -> str:
    """One claim as a JSON Lines record."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
