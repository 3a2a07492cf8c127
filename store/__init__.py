"""The store: SQLModel tables and the operations that must be atomic."""
