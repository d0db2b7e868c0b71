"""Request and response bodies of the HTTP API (Pydantic), documented in the OpenAPI schema."""

from __future__ import annotations

from typing import Annotated, Any, Literal

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
    confidence: float = Field(description="Probabilité que les codes cochés soient exactement les bons (0 à 1)")
    route: Literal["auto", "review", "objective", "insufficient"] = Field(
        description="auto : acceptable tel quel ; review : à relire ; objective : objectif sûr, code à choisir ; "
                    "insufficient : aucun mot du texte ne justifie un code, à classer à la main")
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
    version: int | None = Field(None, ge=1, le=2**31 - 1,
                                description="La version de la demande de la file ouverte par l'instructeur : si elle "
                                            "a changé depuis, 409 (sauf « overwrite »)")
    overwrite: bool = Field(False, description="Remplacer la décision prise entre-temps par un autre instructeur")

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


class ItemContext(BaseModel):
    """What the file says around an application's text, shown above it on the desk (never classified)."""
    carrier: str | None = Field(None, description="Le porteur (« Raison sociale longue », « Porteur »…)")
    district: str | None = Field(None, description="Le quartier (« Quartier », « QPV »…)")
    amount: float | str | None = Field(
        None, description="Le montant demandé ou engagé, en euros quand la cellule se lit comme un nombre, sinon tel "
                          "qu'écrit")
    year: str | None = Field(None, description="L'année (« Année », « annee », « exerciceBudgetaire »…)")


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
    warnings: list[str] = Field([], description="Ce que l'instructeur doit savoir du classement (texte coupé, "
                                                "aucun mot connu…)")
    final_codes: list[str] | None = None
    comment: str | None = None
    feedback_id: int | None = None
    context: ItemContext = ItemContext()
    version: int = Field(1, description="Augmente à chaque décision ou annulation ; à renvoyer avec la décision")
    updated_at: str | None = Field(None, description="Dernière modification (ISO 8601, UTC)")
    updated_by: str | None = Field(None, description="Qui l'a faite (« Relu par »)")


class ReviewEventOut(BaseModel):
    """One change of an application of a queue: who, when, what."""
    at: str = Field(description="Quand (ISO 8601, UTC)")
    officer: str | None = Field(description="Qui (« Relu par »), null si anonyme")
    action: str = Field(description="decision ou reopen")
    status: str = Field(description="Le statut après le changement (open, done)")
    final_codes: list[str] | None
    comment: str | None
    feedback_id: int | None
    version: int
    overwrote: int | None = Field(description="La version ouverte par l'instructeur quand il a écrasé une décision "
                                              "prise entre-temps")


class HistoryOut(BaseModel):
    """The history of an application of a queue, oldest change first."""
    item_id: int
    version: int
    events: list[ReviewEventOut]


class SessionOut(BaseModel):
    """Who is signed in on the desk or calling the API."""
    name: str | None = Field(description="Le nom du compte, null sans compte nommé")
    role: str = Field(description="officer ou admin")
    role_label: str = Field(description="Le rôle en français")
    accounts: bool = Field(description="Le service a des comptes nommés")
    protected: bool = Field(description="Le service demande une clé")


class BulkAcceptIn(BaseModel):
    """The applications to accept as they are, among those whose whole ticked set is sure."""

    model_config = ConfigDict(extra="forbid")

    item_ids: list[Annotated[int, Field(ge=0, le=2**31 - 1)]] = Field(
        max_length=5000, description="Les demandes à accepter telles quelles")
    reviewer: str | None = Field(None, max_length=200)


class BulkAcceptOut(BaseModel):
    """The applications accepted (their new state) and those skipped (not open, or not sure)."""
    accepted: list[QueueItemOut]
    skipped: list[int]


class StatsCode(BaseModel):
    """A code of the tree: id, printed code and label."""
    id: str
    code: str
    label: str = ""


class CodeAgreement(StatsCode):
    """How the model's ticks of one code compare with the officers' final codes (rows reviewed one by one)."""
    model: int = Field(description="Demandes où le modèle l'a coché")
    officers: int = Field(description="Demandes où les instructeurs l'ont retenu")
    both: int = Field(description="Demandes où les deux l'ont")
    precision: float | None = Field(description="both / model (null si le modèle ne l'a jamais coché)")
    recall: float | None = Field(description="both / officers (null si aucun instructeur ne l'a retenu)")


class CodeCount(StatsCode):
    """A code and how many times it was corrected (added or removed)."""
    count: int


class OfficerStats(BaseModel):
    """One officer's work: rows reviewed (bulk acceptances among them) and median time per row."""
    officer: str = Field(description="Le nom enregistré avec les décisions, sinon « anonyme »")
    reviewed: int
    bulk: int = Field(description="Dont acceptées en bloc")
    median_seconds: float | None = Field(description="Temps médian par demande (s), null sans deux décisions proches")
    timed_rows: int = Field(description="Intervalles mesurés")


class AgreementStats(BaseModel):
    """Agreement between the model's ticked codes and the officers' final codes."""
    reviewed: int
    accepted_unchanged: int = Field(description="Demandes revues dont les codes finaux sont ceux cochés par le modèle")
    accepted_unchanged_share: float | None
    one_by_one: int = Field(description="Demandes revues une à une (hors acceptation en bloc)")
    exact_set: int = Field(description="Parmi elles, celles dont l'ensemble de codes est exactement celui du modèle")
    exact_set_share: float | None


class TimeStats(BaseModel):
    """The median time between consecutive decisions of an officer in a queue, pauses left out."""
    median_seconds: float | None
    timed_rows: int
    max_gap_seconds: int


class StatsOut(BaseModel):
    """The statistics of a queue, or of every queue of a project in which decisions were made."""
    project: str
    queue_id: str | None = None
    name: str | None = None
    queues: int
    total: int
    reviewed: int
    officers: list[OfficerStats]
    agreement: AgreementStats
    codes: list[CodeAgreement]
    most_added: list[CodeCount]
    most_removed: list[CodeCount]
    time: TimeStats


class QueueOut(BaseModel):
    """A review queue with its applications, most uncertain first."""
    queue_id: str
    name: str
    model_version: str | None
    total: int
    reviewed: int
    notes: list[str]
    items: list[QueueItemOut]


class QueueSummaryOut(BaseModel):
    """A review queue as listed (« Mes appels à projets »): file, date, progress, officers, where to resume."""
    queue_id: str
    name: str = Field(description="Le nom du fichier déposé")
    created_at: str = Field(description="Date du dépôt (ISO 8601, UTC)")
    model_version: str | None
    total: int = Field(description="Demandes dans la file")
    reviewed: int = Field(description="Demandes revues")
    errors: int = Field(description="Lignes illisibles (rien à décider)")
    resume_item: int | None = Field(description="La première demande à revoir (ordre de revue), null si aucune")
    resume_position: int | None = Field(description="Sa ligne dans le fichier (le « n » de l'adresse du bureau)")
    reviewers: list[str] = Field(description="Les noms des instructeurs enregistrés avec les décisions")


class ExtractOut(BaseModel):
    """The text of an uploaded document."""
    name: str
    text: str
    notes: list[str] = Field(default_factory=list,
                             description="Remarques de lecture, en français (texte tronqué à la lecture…)")


class ErrorOut(BaseModel):
    """An error answer, an RFC 7807 problem (``application/problem+json``) with a French ``detail``."""
    type: str = "about:blank"
    title: str = Field(description="La raison HTTP, en anglais (« Unprocessable Entity »)")
    status: int
    detail: str = Field(description="Le message en français, qui nomme le champ en cause")
    errors: list[dict[str, Any]] | None = Field(
        None, description="Erreurs de validation pour les outils : loc (où), type, msg (message de pydantic)")
