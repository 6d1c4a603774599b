"""Header rows of registry exports as the registries publish them, shared by the importer tests."""

from __future__ import annotations

VERRA_HEADER = (
    "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,Country/Area,Project Type,"
    "Methodology,Total Vintage Quantity,Quantity Issued,Serial Number,Additional Certifications,"
    "Retirement/Cancellation Date,Retirement Beneficiary,Retirement Reason,Retirement Details"
)
CAR_HEADER = (
    "Vintage,Offset Credit Serial Numbers,Quantity of Offset Credits,Status Effective,Project ID,Project Name,"
    "Project Type,Reduction/Removal,Reversible/Non-Reversible,Protocol and Version,Project Site Location,"
    "Project Site State,Project Site Country,Activity Area Type,Additional Certification(s),"
    "Eligible for CORSIA 2021-2023 Compliance Period,Eligible for CORSIA 2024-2026 Compliance Period,"
    "Corresponding Adjustment,ICVCM CCP Eligible,Account Holder,Retirement Reason,Retirement Reason Details"
)
ACR_HEADER = (
    "fiid,Credit Serial Numbers,Date Issued (GMT),Vintage,Vintage Assignment Period Start Date,"
    "Vintage Assignment Period End Date,Quantity of Credits,Account Holder,Status Effective (GMT),Retired on Behalf of,"
    "Retirement Reason,Purpose of Retirement,Project ID,Project Name,Project Type,Project Methodology/Protocol,"
    "Methodology/Protocol Version,Project Site Location,Project Site State,Project Site Country,ARB Eligible,"
    "Ecology Eligible,CORSIA Eligible,Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase),"
    "Eligible for CORSIA 2024-2026 Compliance Period (First Phase),CCP Approved,Verified Removal,"
    "Sustainable Development Goal(s),Project Website,Documents,Numberoffiles"
)
