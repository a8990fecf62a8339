from cslab.consent.models.consent import ConsentRecord, ConsentVersion

__all__ = ["ConsentRecord", "ConsentVersion"]
