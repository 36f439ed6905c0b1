# Until tender/evaluation/views.py (being rewritten on another branch) imports tender.evaluation_model.case;
# removed with the move of the model pages.
from tender.evaluation_model.case import case_to_json  # noqa: F401
