from cslab.collection.models.form import Form, FormVersion

__all__ = ["Form", "FormVersion"]
