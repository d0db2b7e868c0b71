"""Request and response bodies of the HTTP API (Pydantic), documented in the OpenAPI schema."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cvclassify.document import MAX_CHARS


class DocumentFields(BaseModel):
    """The fields of an intake form; any may be missing."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, description="Intitulé / libellé de l'action", max_length=MAX_CHARS)
    objectives: str | None = Field(None, description="Objectifs", max_length=MAX_CHARS)
    description: str | None = Field(None, description="Description de l'action", max_length=MAX_CHARS)
    public: str | None = Field(None, description="Bénéficiaires / public visé", max_length=MAX_CHARS)
    territory: str | None = Field(None, description="Territoire / quartiers", max_length=MAX_CHARS)

    def as_document(self) -> dict[str, str]:
        """The fields as the classifier's document fields (``description`` read as ``text``)."""
        values = self.model_dump(exclude_none=True)
        if "description" in values:
            values["text"] = values.pop("description")
        return {k: v for k, v in values.items() if v.strip()}


class DocumentIn(BaseModel):
    """One application: a plain ``text`` or the ``fields`` of a form (not both)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"text": "Ateliers sociolinguistiques pour des mères primo-arrivantes de Borny, "
                              "deux matinées par semaine à l'école."}]})

    id: str | None = Field(None, max_length=500, description="Identifiant rendu tel quel dans la réponse")
    text: str | None = Field(None, max_length=MAX_CHARS, description="Texte de la demande")
    fields: DocumentFields | None = None

    @model_validator(mode="after")
    def _one_source(self) -> DocumentIn:
        if self.text is not None and self.fields is not None:
            raise ValueError("Donnez soit « text », soit « fields », pas les deux.")
        if self.text is None and self.fields is None:
            raise ValueError("Donnez le texte de la demande (« text ») ou ses champs (« fields »).")
        return self

    def as_document(self) -> str | dict[str, str]:
        """The text, or the form fields, to classify."""
        return self.text if self.text is not None else self.fields.as_document()


class SuggestOptions(BaseModel):
    """How many codes, from which score, among which codes."""
    model_config = ConfigDict(extra="forbid")

    k: int = Field(5, ge=1, le=50, description="Nombre de codes proposés")
    threshold: float = Field(0.0, ge=0.0, le=1.0, description="Score minimal des codes rendus")
    only: list[str] | None = Field(None, max_length=200, description="Motifs de codes autorisés (« 2.* »)")
    exclude: list[str] | None = Field(None, max_length=200, description="Motifs de codes exclus")


class SuggestRequest(DocumentIn, SuggestOptions):
    """A text or form fields, with the options of the suggestion."""


class BatchRequest(SuggestOptions):
    """Up to 100 applications with the same options."""
    documents: list[DocumentIn] = Field(..., min_length=1, description="Au plus 100 demandes")


class Parent(BaseModel):
    """A parent objective: its code and label."""
    code: str
    label: str


class EvidenceOut(BaseModel):
    """A word of the text that raised a code, with its offsets in its field."""
    word: str
    lemma: str
    weight: float
    field: str = Field(description="Champ du texte dans lequel se trouvent start et end")
    start: int
    end: int


class SuggestionOut(BaseModel):
    """One suggested code with its score, parents and evidence."""
    code: str = Field(description="Code tel qu'imprimé dans le contrat")
    id: str = Field(description="Identifiant unique du code (1.5.3-bis)")
    label: str
    score: float
    selected: bool
    level: str
    objective: dict[str, str] = Field(description="Objectif opérationnel parent (code, label)")
    axis: dict[str, str]
    description: str = ""
    evidence: list[EvidenceOut] = []
    national: dict[str, dict[str, str]] | None = Field(
        None, description="Sous-thème national ANCT du code, par nomenclature (2015-2023, 2024-2030)")


class ConcernOut(BaseModel):
    """A transversal concern of the project, scored beside the codes."""

    code: str
    id: str
    label: str
    score: float
    selected: bool


class ObjectiveDecision(BaseModel):
    """The sure objective of an ``objective`` route."""
    code: str
    label: str
    confidence: float


class Decision(BaseModel):
    """The advice for one application."""
    confidence: float = Field(description="Probabilité que le premier code soit juste")
    route: Literal["auto", "review", "objective"] = Field(
        description="auto : acceptable tel quel ; review : à relire ; objective : objectif sûr, code à choisir")
    objective: ObjectiveDecision | None = None


class SuggestResponse(BaseModel):
    """The suggestions for one application."""
    id: str | None = None
    project: str
    model_version: str
    fields: dict[str, str] = Field(description="Les champs lus, que les positions des indices désignent")
    suggestions: list[SuggestionOut]
    objective_hint: SuggestionOut | None = None
    decision: Decision | None = None
    warnings: list[str] = []
    transversal: list[ConcernOut] | None = Field(None, description="Préoccupations transversales du projet")


class BatchItemResponse(BaseModel):
    """One application of a batch: its suggestions or its error."""
    id: str | None = None
    ok: bool
    error: str | None = None
    result: SuggestResponse | None = None


class BatchResponse(BaseModel):
    """The answers of a batch, in order."""
    project: str
    model_version: str
    results: list[BatchItemResponse]


class ProjectOut(BaseModel):
    """A served project."""
    name: str
    title: str
    default: bool
    model_version: str | None
    leaf_codes: int


class ObjectiveOut(BaseModel):
    """A node of the objective tree with its children."""
    id: str
    code: str
    label: str
    level: str
    parent: str | None = None
    description: str = ""
    lexicon: list[str] = []
    children: list[ObjectiveOut] = []


class LeafOut(BaseModel):
    """A leaf code with its objective and axis (for code pickers), its description and lexicon (jargon)."""
    id: str
    code: str
    label: str
    description: str = ""
    lexicon: list[str] = []
    objective: Parent
    axis: Parent


class TreeResponse(BaseModel):
    """A project's tree, nested, and its leaves, flat."""
    project: str
    tree: list[ObjectiveOut]
    leaves: list[LeafOut]


class ObjectiveDetail(ObjectiveOut):
    """One objective with its ancestors and children."""
    ancestors: list[Parent] = []


class ModelResponse(BaseModel):
    """The card of a project's model in service."""
    project: str
    version: str
    card: dict[str, Any]


class VersionOut(BaseModel):
    """One version of a project's model: its held-out metrics and, once proposed, its promotion comparison."""
    version: str
    current: bool
    created: str | None = None
    training_seconds: float | None = None
    training_texts: int | None = None
    heldout: dict[str, Any] = {}
    comparison: dict[str, Any] | None = None


class PromotionOut(BaseModel):
    """A switch of a project's current version (promotion or rollback)."""
    project: str
    version: str
    previous: str | None = None
    forced: bool = False
    comparison: dict[str, Any] | None = None


class ReloadOut(BaseModel):
    """What a reload changed (« projet@version ») and the version each project now serves."""
    changed: list[str]
    projects: dict[str, str]


class Health(BaseModel):
    """Whether the service is ready, and the model version of each project."""
    status: Literal["ok", "loading", "error"]
    projects: dict[str, str] = {}
    database: str | None = None
    detail: str | None = None


class FeedbackIn(BaseModel):
    """An officer's decision on the suggestions for one application."""

    model_config = ConfigDict(extra="forbid")

    document_id: str | None = Field(None, max_length=500)
    text: str | None = Field(None, max_length=MAX_CHARS)
    suggested: list[str] = Field(default_factory=list, max_length=200)
    kept: list[str] = Field(default_factory=list, max_length=200)
    added: list[str] = Field(default_factory=list, max_length=200)
    removed: list[str] = Field(default_factory=list, max_length=200)
    comment: str | None = Field(None, max_length=5000)
    reviewer: str | None = Field(None, max_length=200)
    model_version: str | None = Field(None, max_length=100)
    queue_id: str | None = Field(None, max_length=36)
    item_id: int | None = Field(None, ge=0, le=2**31 - 1)

    @model_validator(mode="after")
    def _coherent(self) -> FeedbackIn:
        if self.text is None and self.document_id is None and self.item_id is None:
            raise ValueError("Donnez le texte (« text ») ou l'identifiant de la demande (« document_id »).")
        if (self.queue_id is None) != (self.item_id is None):
            raise ValueError("« queue_id » et « item_id » vont ensemble.")
        if set(self.kept) & set(self.removed):
            raise ValueError("Un même code ne peut être à la fois gardé et retiré.")
        return self


class FeedbackOut(BaseModel):
    """The stored decision and a French confirmation."""
    id: int
    created_at: str
    final_codes: list[str]
    message: str


class QueueCreated(BaseModel):
    """A new review queue: its id, size, errors and how the file was read."""
    queue_id: str
    name: str
    total: int
    errors: int
    notes: list[str]


class QueueItemOut(BaseModel):
    """One application of a review queue, with its suggestions and decision."""
    item_id: int
    position: int
    row_id: str
    fields: dict[str, str]
    status: str
    error: str | None
    suggestions: list[SuggestionOut] = []
    objective_hint: SuggestionOut | None = None
    decision: Decision | None = None
    final_codes: list[str] | None = None
    comment: str | None = None
    feedback_id: int | None = None


class QueueOut(BaseModel):
    """A review queue with its applications, most uncertain first."""
    queue_id: str
    name: str
    model_version: str | None
    total: int
    reviewed: int
    notes: list[str]
    items: list[QueueItemOut]


class ExtractOut(BaseModel):
    """The text of an uploaded document."""
    name: str
    text: str


class ErrorOut(BaseModel):
    """An error answer, an RFC 7807 problem (``application/problem+json``) with a French ``detail``."""
    type: str = "about:blank"
    title: str = Field(description="La raison HTTP, en anglais (« Unprocessable Entity »)")
    status: int
    detail: str = Field(description="Le message en français, qui nomme le champ en cause")
    errors: list[dict[str, Any]] | None = Field(
        None, description="Erreurs de validation pour les outils : loc (où), type, msg (message de pydantic)")
