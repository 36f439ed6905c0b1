"""Every model, imported in one place so Alembic and the ORM see the whole schema."""

from tender.audit import AuditEvent, AuditHead  # noqa: F401
from tender.auth.models import ClientLoginThrottle, Invitation, LoginThrottle, User, UserSession  # noqa: F401
from tender.award.models import (  # noqa: F401,E402
    AwardNotice,
    AwardSignOff,
    Contract,
    CostSplit,
    CostSplitShare,
    NoticeIssue,
    Recommendation,
    RecommendationText,
)
from tender.bids.models import (  # noqa: F401,E402
    Bid,
    BidAnswer,
    BidAttachment,
    BidOpening,
    BidOpeningConfirmation,
    BidPriceLine,
    BidRound,
    BidRoundVendor,
)
from tender.corrections.models import AnswerReview, Correction, DocumentsApproval  # noqa: F401,E402
from tender.documents.models import DocumentDownload, DocumentSetVersion, TenderDocument  # noqa: F401,E402
from tender.evaluation.models import ConsensusScore, IndividualScoreRow, MinimumRequirementCheck  # noqa: F401,E402
from tender.evaluation_model.models import (  # noqa: F401,E402
    AwardCriterion,
    CriterionEvaluator,
    EvaluationModel,
    PriceItem,
)
from tender.negotiation.models import (  # noqa: F401,E402
    InformationDifferenceAck,
    Negotiation,
    NegotiationMeeting,
    Reduction,
    ReductionLeaving,
)
from tender.noark.models import (  # noqa: F401,E402
    ExtractSample,
    NoarkRequirementConfirmation,
    NoarkRequirementLink,
)
from tender.prequalification.models import (  # noqa: F401,E402
    Clarification,
    ExclusionAssessment,
    ExclusionGround,
    ParticipationRequest,
    Prequalification,
    QualificationAssessment,
    QualificationRequirement,
    RequestDocument,
    RequestOpening,
    RequestOpeningConfirmation,
    RequestReference,
    SelectionApproval,
    SelectionConsensusScore,
    SelectionCriterion,
    SelectionIndividualScore,
    SelectionProposal,
    SelectionTieBreak,
)
from tender.questions.models import (  # noqa: F401,E402
    Question,
    QuestionApproval,
    QuestionAttachment,
    QuestionSettings,
)
from tender.requirements.models import (  # noqa: F401,E402
    SpecChapter,
    SpecCriterion,
    SpecDecision,
    Specification,
    SpecRequirement,
    SpecVersion,
)
from tender.tenders.models import (  # noqa: F401
    Membership,
    Municipality,
    Tender,
    TenderMunicipality,
    TenderVendor,
    Vendor,
)
from tender.vendors.models import VendorRegistration, VendorUser  # noqa: F401,E402
