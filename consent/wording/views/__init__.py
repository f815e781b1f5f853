"""The consent form's pages: one blueprint, routes split by what they do.

Everything the group does to the consent form is here: reading it and its versions,
suggesting a change or a translation, voting, the decision log, asking to publish, and the
easy-read pictures. Facilitators and co-researchers decide it; peer researchers may fetch its
pictures (the tablet keeps them); nobody else sees any of it.
"""

from flask import Blueprint

blueprint = Blueprint("consent_wording", __name__, url_prefix="/studies/<study_slug>/consent/form")

# The modules register their routes on the blueprint when imported.
from consent.wording.views import form_pages, pictures, publishing, suggesting  # noqa: E402, F401
