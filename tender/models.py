"""Every model, imported in one place so Alembic and the ORM see the whole schema."""
from tender.audit import AuditEvent, AuditHead  # noqa: F401
from tender.auth.models import Invitation, LoginThrottle, User  # noqa: F401
from tender.tenders.models import (  # noqa: F401
    Membership,
    Municipality,
    Tender,
    TenderMunicipality,
    TenderVendor,
    Vendor,
)
from tender.requirements.models import (  # noqa: F401,E402
    SpecChapter,
    SpecCriterion,
    SpecDecision,
    Specification,
    SpecRequirement,
    SpecVersion,
)
