"""Reading the committee's plan document: the appendix reader (.txt / .docx), the agency registry,
the Vietnamese timeline grammar, the pydantic schema of a parsed plan and its import into the
database (DESIGN.md, decision 6).
"""
