"""The store of officers' decisions: feedback on suggestions and the review queues of the desk.

SQLAlchemy over SQLite (a file in the data home, nothing to install) or any database URL
(PostgreSQL in production); the schema is created and upgraded by Alembic migrations.
"""

from cvclassify.feedback.store import (
    FeedbackRecord,
    FeedbackStore,
    QueueItemRecord,
    QueueRecord,
    default_database_url,
)

__all__ = ["FeedbackRecord", "FeedbackStore", "QueueItemRecord", "QueueRecord", "default_database_url"]
