"""The audit rules and all database access. Imports neither Textual nor openpyxl."""
