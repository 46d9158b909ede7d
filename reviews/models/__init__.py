from reviews.models.appeals import Appeal, AppealStatus
from reviews.models.reviews import Review, ReviewerKind

__all__ = ["Appeal", "AppealStatus", "Review", "ReviewerKind"]
